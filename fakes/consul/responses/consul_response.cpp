#include "fakes/consul/responses/consul_response.hpp"

namespace fakes::consul {

Response text_error(Status status, std::string reason) {
  return fakes::http::make_response(status, std::move(reason), "text/plain; charset=utf-8");
}

Response json_ok(const nlohmann::json& body) {
  // Replace invalid UTF-8 instead of throwing: KV keys and meta come from clients.
  return fakes::http::make_response(Status::ok, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                    "application/json");
}

Response empty_ok() { return fakes::http::make_response(Status::ok, "", ""); }

void add_query_meta(Response& response, std::uint64_t index) {
  response.set("X-Consul-Index", std::to_string(index < 1 ? 1 : index));
  response.set("X-Consul-KnownLeader", "true");
  response.set("X-Consul-LastContact", "0");
}

}  // namespace fakes::consul
