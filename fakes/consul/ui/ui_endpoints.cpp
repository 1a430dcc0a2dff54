#include "fakes/consul/ui/ui_endpoints.hpp"

#include "fakes/consul/endpoints/api_call.hpp"

namespace fakes::consul {

bool route_ui(ApiCall& call) {
  using fakes::http::bhttp::verb;
  const std::string& path = call.path();
  if (path != "/ui" && !path.starts_with("/ui/")) return false;
  if (!call.require_method({verb::get, verb::head})) return true;
  if (path == "/ui") {
    auto res = fakes::http::make_response(Status::moved_permanently, "", "");
    res.set(fakes::http::bhttp::field::location, "/ui/");
    call.reply(std::move(res));
    return true;
  }
  auto res = fakes::http::make_response(Status::ok, std::string(ui_index_html()), "text/html; charset=utf-8");
  res.set(fakes::http::bhttp::field::cache_control, "no-store");
  call.reply(std::move(res));
  return true;
}

}  // namespace fakes::consul
