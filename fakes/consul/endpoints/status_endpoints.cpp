// /v1/status/leader and /v1/status/peers: a single-server cluster whose leader is the
// agent's own server RPC address (registrator pings the leader endpoint at startup).
#include "fakes/consul/endpoints/api_call.hpp"

namespace fakes::consul {

bool route_status(ApiCall& call) {
  using fakes::http::bhttp::verb;
  const std::string server = call.config().node_address + ":8300";
  if (call.path() == "/v1/status/leader") {
    if (call.require_method({verb::get})) call.reply(json_ok(server));
    return true;
  }
  if (call.path() == "/v1/status/peers") {
    if (call.require_method({verb::get})) call.reply(json_ok(nlohmann::json::array({server})));
    return true;
  }
  return false;
}

}  // namespace fakes::consul
