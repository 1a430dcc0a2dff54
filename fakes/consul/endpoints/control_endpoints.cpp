#include "fakes/consul/endpoints/control_endpoints.hpp"

#include "fakes/consul/responses/consul_response.hpp"

#include <cstdlib>

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

}  // namespace

void handle_control(FakeConsul& fake, const fakes::http::ExchangePtr& exchange, const fakes::http::Target& target) {
  const auto method = exchange->request().method();
  const std::string& path = target.path;
  auto reply = [&](Response r) { exchange->respond(std::move(r)); };
  auto bad_method = [&] { reply(text_error(Status::method_not_allowed, "method not allowed on " + path)); };

  if (path == "/_fake/state") {
    if (method != verb::get) return bad_method();
    return reply(json_ok(fake.state()));
  }
  if (path == "/_fake/requests") {
    if (method == verb::delete_) {
      fake.clear_request_log();
      return reply(empty_ok());
    }
    if (method != verb::get) return bad_method();
    // ?after=SEQ: only newer entries, so a poller reads each request once (the log keeps the
    // last 10,000) without a racy read-then-clear.
    std::uint64_t after = 0;
    if (target.has("after")) {
      const auto text = target.get("after");
      char* end = nullptr;
      after = std::strtoull(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || text[0] == '-')
        return reply(text_error(Status::bad_request, "after must be a request sequence number, not \"" + text + "\""));
    }
    json out = json::array();
    for (const auto& r : fake.request_log())
      if (r.sequence > after)
        out.push_back({{"Seq", r.sequence}, {"TimeNano", r.time_nano}, {"Method", r.method}, {"Target", r.target}, {"Body", r.body}, {"Status", r.status}});
    return reply(json_ok(out));
  }
  if (path == "/_fake/faults") {
    if (method == verb::delete_) {
      fake.clear_faults();
      return reply(empty_ok());
    }
    if (method != verb::post && method != verb::put) return bad_method();
    try {
      fake.add_fault(fakes::http::decode_fault_rule(exchange->request().body()));
    } catch (const std::exception& e) {
      return reply(text_error(Status::bad_request, std::string("bad fault: ") + e.what()));
    }
    return reply(empty_ok());
  }
  if (path == "/_fake/lose-state") {
    if (method != verb::post && method != verb::put) return bad_method();
    return reply(json_ok({{"Deregistered", fake.deregister_all()}}));
  }
  if (path == "/_fake/close-connections") {
    if (method != verb::post && method != verb::put) return bad_method();
    // Answer first, then cut: the caller's own connection is one of them.
    reply(empty_ok());
    return fake.close_connections();
  }
  if (path == "/_fake/anti-entropy") {
    if (method != verb::post && method != verb::put) return bad_method();
    return reply(json_ok({{"Changed", fake.anti_entropy_sync()}}));
  }
  if (path == "/_fake/expire-ttl") {
    if (method != verb::post && method != verb::put) return bad_method();
    return reply(json_ok({{"Expired", fake.expire_ttl_checks()}}));
  }
  if (path.starts_with("/_fake/check/")) {
    if (method != verb::put && method != verb::post) return bad_method();
    const std::string id = path.substr(std::string_view("/_fake/check/").size());
    auto status = parse_health_status(target.get("status"));
    if (!status) return reply(text_error(Status::bad_request, "status must be passing, warning or critical"));
    if (!fake.set_check_status(id, *status, target.get("output")))
      return reply(text_error(Status::not_found, "unknown check ID \"" + id + "\""));
    return reply(empty_ok());
  }
  reply(text_error(Status::not_found, "unknown control endpoint " + path));
}

}  // namespace fakes::consul
