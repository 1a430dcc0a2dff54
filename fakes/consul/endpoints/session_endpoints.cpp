// /v1/session/*: create, destroy, renew (PUT); info, node, list (GET, blocking on the sessions
// index). Consul answers session errors from its RPC layer as 500 with the RPC's text (an
// unknown node, a missing or critical check, a bad TTL or Behavior); path problems are 400.
// The body of create has its own decoder (requests/session_decoder.hpp).
#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/requests/go_duration.hpp"
#include "fakes/consul/requests/session_decoder.hpp"

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

json nullable_list_json(const std::optional<std::vector<std::string>>& list) {
  return list ? json(*list) : json(nullptr);
}

// structs.Session as the API renders it: LockDelay in nanoseconds, unset lists null, the
// deprecated Checks only when set (omitempty).
json session_json(const Session& s) {
  json service_checks = nullptr;
  if (s.service_checks) {
    service_checks = json::array();
    for (const std::string& id : *s.service_checks) service_checks.push_back({{"ID", id}, {"Namespace", ""}});
  }
  json out = {{"ID", s.id},
              {"Name", s.name},
              {"Node", s.node},
              {"LockDelay", s.lock_delay.count()},
              {"Behavior", behavior_name(s.behavior)},
              {"TTL", s.ttl},
              {"NodeChecks", nullable_list_json(s.node_checks)},
              {"ServiceChecks", service_checks},
              {"CreateIndex", s.raft.create_index},
              {"ModifyIndex", s.raft.modify_index}};
  if (!s.checks.empty()) out["Checks"] = s.checks;
  return out;
}

json sessions_json(const std::vector<const Session*>& sessions) {
  json out = json::array();
  for (const Session* s : sessions) out.push_back(session_json(*s));
  return out;
}

// Session.Apply's TTL rule: a Go duration, 0 or within [session_ttl_min, 24h]; the error text
// when it is not.
std::string check_ttl(Session& s, std::chrono::milliseconds ttl_min) {
  if (s.ttl.empty()) return "";
  const auto ttl = parse_go_duration(s.ttl);
  if (!ttl) return "Session TTL '" + s.ttl + "' invalid: " + go_duration_error(s.ttl);
  if (ttl->count() != 0 && (*ttl < ttl_min || *ttl > kSessionTtlMax))
    return "Invalid Session TTL '" + std::to_string(ttl->count()) + "', must be between [" +
           format_go_duration(ttl_min) + "=" + format_go_duration(kSessionTtlMax) + "]";
  s.ttl_value = *ttl;
  return "";
}

void session_create(ApiCall& call) {
  SessionCreateRequest req;
  try {
    req = decode_session_create(call.request().body(), call.config().node_name);
  } catch (const DecodeError& e) {
    return call.fail(Status::bad_request, std::string("Request decode failed: ") + e.what());
  }
  if (!call.authorize_write("session:write", req.session.node)) return;
  // Session.Apply: the node must be named before the Behavior is looked at.
  if (req.session.node.empty()) return call.fail(Status::internal_server_error, "Must provide Node");
  if (req.behavior == "delete") req.session.behavior = SessionBehavior::delete_keys;
  else if (!req.behavior.empty() && req.behavior != "release")
    return call.fail(Status::internal_server_error, "Invalid Behavior setting '" + req.behavior + "'");
  if (auto error = check_ttl(req.session, call.config().session_ttl_min); !error.empty())
    return call.fail(Status::internal_server_error, error);
  if (auto error = call.catalog().create_session(req.session); !error.empty())
    return call.fail(Status::internal_server_error, error);
  call.reply(json_ok({{"ID", req.session.id}}));
}

void session_destroy(ApiCall& call, const std::string& id) {
  if (id.empty()) return call.fail(Status::bad_request, "Missing session");
  const Session* s = call.catalog().find_session(id);
  if (!call.authorize_write("session:write", s ? s->node : "")) return;
  // An unknown ID is no error: the state store's delete finds nothing to do.
  call.catalog().destroy_session(id);
  call.reply(json_ok(true));
}

void session_renew(ApiCall& call, const std::string& id) {
  if (id.empty()) return call.fail(Status::bad_request, "Missing session");
  const Session* known = call.catalog().find_session(id);
  if (!call.authorize_write("session:write", known ? known->node : "")) return;
  const Session* s = call.catalog().renew_session(id);
  if (!s) return call.fail(Status::not_found, "Session id '" + id + "' not found");
  call.reply(json_ok(json::array({session_json(*s)})));
}

void serve_sessions(ApiCall& call, std::optional<std::string> id, std::optional<std::string> node) {
  if (!call.authorize_read()) return;
  Catalog* catalog = &call.catalog();
  call.serve_read([catalog] { return catalog->sessions_index(); },
                  [catalog, id = std::move(id), node = std::move(node)] {
                    if (id) {
                      const Session* s = catalog->find_session(*id);
                      return s ? json::array({session_json(*s)}) : json::array();
                    }
                    return sessions_json(catalog->sessions(node));
                  });
}

}  // namespace

bool route_session(ApiCall& call) {
  if (!call.path().starts_with("/v1/session/")) return false;
  if (call.path() == "/v1/session/create") {
    if (call.require_method({verb::put}) && call.datacenter()) session_create(call);
    return true;
  }
  if (call.path() == "/v1/session/list") {
    if (call.require_method({verb::get}) && call.datacenter()) serve_sessions(call, std::nullopt, std::nullopt);
    return true;
  }
  if (auto id = call.rest_after("/v1/session/destroy/")) {
    if (call.require_method({verb::put}) && call.datacenter()) session_destroy(call, *id);
    return true;
  }
  if (auto id = call.rest_after("/v1/session/renew/")) {
    if (call.require_method({verb::put}) && call.datacenter()) session_renew(call, *id);
    return true;
  }
  if (auto id = call.rest_after("/v1/session/info/")) {
    if (!call.require_method({verb::get}) || !call.datacenter()) return true;
    if (id->empty()) call.fail(Status::bad_request, "Missing session");
    else serve_sessions(call, *id, std::nullopt);
    return true;
  }
  if (auto node = call.rest_after("/v1/session/node/")) {
    if (!call.require_method({verb::get}) || !call.datacenter()) return true;
    if (node->empty()) call.fail(Status::bad_request, "Missing node name");
    else serve_sessions(call, std::nullopt, *node);
    return true;
  }
  return false;
}

}  // namespace fakes::consul
