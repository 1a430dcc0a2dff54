// /v1/agent/*: the local agent's view (its node's services and checks), registration,
// deregistration, maintenance and TTL check updates. The agent's health verdicts
// (/v1/agent/health/service/...) are in agent_health_endpoints.cpp.
//
//   GET /v1/agent/self, /v1/agent/members                 agent_self below
//   PUT /v1/agent/service/register ?replace-existing-checks    body: requests/registration_decoder.hpp
//   PUT /v1/agent/service/deregister/:id
//   GET /v1/agent/services, /v1/agent/service/:id          agent_service_json (shared_shapes.hpp)
//   GET /v1/agent/checks                                   check_json (shared_shapes.hpp)
//   PUT /v1/agent/service/maintenance/:id, /v1/agent/maintenance   ?enable= ?reason=
//   PUT /v1/agent/check/register                           body: requests/registration_decoder.hpp
//   PUT /v1/agent/check/deregister/:id
//   PUT /v1/agent/check/pass|warn|fail/:id ?note=, /v1/agent/check/update/:id {"Status","Output"}
#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/endpoints/shared_shapes.hpp"
#include "fakes/consul/requests/go_json_decoding.hpp"
#include "fakes/consul/requests/registration_decoder.hpp"

#include <optional>

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;

const Node* local_node(ApiCall& call) {
  return call.catalog().find_node(call.config().datacenter, call.config().node_name);
}

void agent_self(ApiCall& call) {
  const auto& cfg = call.config();
  const Node* node = local_node(call);
  json member = {{"Name", cfg.node_name},
                 {"Addr", cfg.node_address},
                 {"Port", 8301},
                 {"Tags",
                  {{"dc", cfg.datacenter},
                   {"role", "consul"},
                   {"port", "8300"},
                   {"build", cfg.version + ":fake"},
                   {"vsn", "2"},
                   {"vsn_min", "2"},
                   {"vsn_max", "3"},
                   {"bootstrap", "1"},
                   {"segment", ""}}},
                 {"Status", 1},
                 {"ProtocolMin", 1},
                 {"ProtocolMax", 5},
                 {"ProtocolCur", 2},
                 {"DelegateMin", 2},
                 {"DelegateMax", 5},
                 {"DelegateCur", 4}};
  json self = {{"Config",
                {{"Datacenter", cfg.datacenter},
                 {"PrimaryDatacenter", cfg.datacenter},
                 {"NodeName", cfg.node_name},
                 {"NodeID", node ? node->id : ""},
                 {"Revision", "fake"},
                 {"Server", true},
                 {"Version", cfg.version},
                 {"BuildDate", "2023-01-01T00:00:00Z"}}},
               {"DebugConfig", {{"ACLsEnabled", cfg.acl_store && cfg.acl_store->enabled()}, {"Datacenter", cfg.datacenter}}},
               {"Coord", {{"Vec", json::array({0, 0, 0, 0, 0, 0, 0, 0})}, {"Error", 1.5}, {"Adjustment", 0}, {"Height", 1e-05}}},
               {"Member", member},
               {"Meta", {{"consul-network-segment", ""}}},
               {"Stats", {{"agent", {{"check_monitors", "0"}, {"check_ttls", "0"}}}}}};
  if (call.path() == "/v1/agent/members") return call.reply(json_ok(call.visible(json::array({member}))));
  if (!call.authorize(AclResource::agent, cfg.node_name, AccessLevel::read)) return;
  call.reply(json_ok(self));
}

/// Consul's addCheck: without enable_script_checks an HTTP-registered script check is a 500,
/// and nothing of the registration is applied (--script-checks refuse). Answers and returns
/// true when refused.
bool refuse_script_checks(ApiCall& call, const std::vector<const CheckDefinition*>& checks) {
  if (call.config().script_checks != ScriptChecks::refuse) return false;
  for (const CheckDefinition* c : checks) {
    if (c->type != "script") continue;
    call.fail(Status::internal_server_error,
              "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true");
    return true;
  }
  return false;
}

void register_service(ApiCall& call) {
  auto decoded = decode_service_registration(call.request().body());
  if (auto* error = std::get_if<RegistrationError>(&decoded)) return call.fail(Status::bad_request, error->message);
  auto& reg = std::get<ServiceRegistration>(decoded);
  if (!call.authorize_write("service:write", reg.service.name)) return;
  auto replace = call.bool_param("replace-existing-checks");
  if (!replace) return;
  reg.replace_existing_checks = *replace;
  std::vector<const CheckDefinition*> checks;
  for (const auto& c : reg.checks) checks.push_back(&c);
  if (refuse_script_checks(call, checks)) return;
  if (!call.catalog().register_service(call.config().datacenter, call.config().node_name, std::move(reg)))
    return call.fail(Status::internal_server_error, "agent node is not registered");
  call.reply(empty_ok());
}

void deregister_service(ApiCall& call, const std::string& id) {
  const auto services = call.catalog().agent_services(call.config().datacenter, call.config().node_name);
  auto it = services.find(id);
  if (it == services.end()) {
    switch (call.config().unknown_deregister) {
      case UnknownDeregister::not_found_404:
        return call.fail(Status::not_found, "Unknown service ID \"" + id +
                                                "\". Ensure that the service ID is passed, not the service name.");
      case UnknownDeregister::legacy_500:
        return call.fail(Status::internal_server_error, "Unknown service \"" + id + "\"");
      case UnknownDeregister::ignore_200:
        if (!call.authorize_write("service:write", id)) return;
        return call.reply(empty_ok());
    }
  }
  if (!call.authorize_write("service:write", it->second->name)) return;
  call.catalog().deregister_service(call.config().datacenter, call.config().node_name, id);
  call.reply(empty_ok());
}

void list_services(ApiCall& call) {
  if (!call.authorize_read()) return;
  json out = json::object();
  for (const auto& [id, s] : call.catalog().agent_services(call.config().datacenter, call.config().node_name))
    out[id] = agent_service_json(*s, call.config().datacenter);
  call.reply(json_ok(call.visible(std::move(out))));
}

void get_service(ApiCall& call, const std::string& id) {
  if (!call.authorize_read()) return;
  const Node* node = local_node(call);
  auto it = node ? node->services.find(id) : decltype(node->services.end()){};
  if (!node || it == node->services.end()) return call.fail(Status::not_found, "unknown service ID: " + id);
  if (!call.authorize(AclResource::service, it->second.name, AccessLevel::read)) return;
  json out = agent_service_json(it->second, call.config().datacenter);
  out["ContentHash"] = std::to_string(it->second.raft.modify_index);
  call.reply(json_ok(out));
}

void list_checks(ApiCall& call) {
  if (!call.authorize_read()) return;
  json out = json::object();
  if (const Node* node = local_node(call))
    for (const auto& [id, c] : node->checks)
      if (!c.service_id.empty() || id != "serfHealth") out[id] = check_json(*node, c);
  call.reply(json_ok(call.visible(std::move(out))));
}

void update_check(ApiCall& call, const std::string& id, HealthStatus status, std::string output) {
  const Node* node = local_node(call);
  const auto it = node ? node->checks.find(id) : decltype(node->checks.end()){};
  const std::string unknown = "Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.";
  if (!node || it == node->checks.end()) return call.fail(Status::not_found, unknown);
  const bool node_check = it->second.service_id.empty();
  if (!call.authorize_write(node_check ? "node:write" : "service:write",
                            node_check ? call.config().node_name : it->second.service_name))
    return;
  switch (call.catalog().update_ttl_check(call.config().datacenter, call.config().node_name, id, status, output)) {
    case CheckUpdate::updated: return call.reply(empty_ok());
    case CheckUpdate::unknown_check: return call.fail(Status::not_found, unknown);
    case CheckUpdate::not_ttl:
      return call.fail(Status::internal_server_error, "CheckID \"" + id + "\" does not have associated TTL");
  }
}

// PUT /v1/agent/check/update/<id> {"Status": "...", "Output": "..."}
void update_check_from_body(ApiCall& call, const std::string& id) {
  std::string status_text, output;
  try {
    auto doc = parse_body(call.request().body());
    if (const auto* v = find_field(doc, "Status")) status_text = read_string(*v, "checkUpdate.Status");
    if (const auto* v = find_field(doc, "Output")) output = read_string(*v, "checkUpdate.Output");
  } catch (const std::exception& e) {
    return call.fail(Status::bad_request, std::string("Request decode failed: ") + e.what());
  }
  auto status = parse_health_status(status_text);
  if (!status) return call.fail(Status::bad_request, "Invalid check status: '" + status_text + "'");
  update_check(call, id, *status, std::move(output));
}

// ?enable= of the maintenance endpoints, read as Go's strconv.ParseBool does; nullopt after
// answering Consul's 400.
std::optional<bool> maintenance_enable(ApiCall& call) {
  if (!call.target().has("enable")) {
    call.fail(Status::bad_request, "Missing value for enable");
    return std::nullopt;
  }
  const std::string text = call.target().get("enable");
  for (const char* yes : {"1", "t", "T", "true", "TRUE", "True"})
    if (text == yes) return true;
  for (const char* no : {"0", "f", "F", "false", "FALSE", "False"})
    if (text == no) return false;
  call.fail(Status::bad_request, "Invalid value for enable: \"" + text + "\"");
  return std::nullopt;
}

// PUT /v1/agent/service/maintenance/<id>?enable=true|false&reason=...
void service_maintenance(ApiCall& call, const std::string& id) {
  if (id.empty()) return call.fail(Status::bad_request, "Missing service ID");  // checked before enable, as Consul
  const auto enable = maintenance_enable(call);
  if (!enable) return;
  const Node* node = local_node(call);
  if (!node || !node->services.count(id))
    return call.fail(Status::not_found,
                     "Unknown service ID \"" + id + "\". Ensure that the service ID is passed, not the service name.");
  if (!call.authorize_write("service:write", node->services.at(id).name)) return;
  call.catalog().set_service_maintenance(call.config().datacenter, call.config().node_name, id, *enable,
                                         call.target().get("reason"));
  call.reply(empty_ok());
}

// PUT /v1/agent/maintenance?enable=true|false&reason=...
void node_maintenance(ApiCall& call) {
  const auto enable = maintenance_enable(call);
  if (!enable) return;
  if (!call.authorize_write("node:write", call.config().node_name)) return;
  call.catalog().set_node_maintenance(call.config().datacenter, call.config().node_name, *enable,
                                      call.target().get("reason"));
  call.reply(empty_ok());
}

// PUT /v1/agent/check/register
void register_check(ApiCall& call) {
  auto decoded = decode_check_registration(call.request().body());
  if (auto* error = std::get_if<RegistrationError>(&decoded)) return call.fail(Status::bad_request, error->message);
  auto& reg = std::get<CheckRegistration>(decoded);
  const Node* node = local_node(call);
  std::string service_name;
  if (!reg.service_id.empty()) {
    auto it = node ? node->services.find(reg.service_id) : decltype(node->services.end()){};
    if (!node || it == node->services.end())
      return call.fail(Status::not_found, "ServiceID \"" + reg.service_id + "\" does not exist");
    service_name = it->second.name;
  }
  if (!call.authorize_write(reg.service_id.empty() ? "node:write" : "service:write",
                            reg.service_id.empty() ? call.config().node_name : service_name))
    return;
  if (refuse_script_checks(call, {&reg.check})) return;
  call.catalog().register_check(call.config().datacenter, call.config().node_name, reg.check, reg.service_id);
  call.reply(empty_ok());
}

// PUT /v1/agent/check/deregister/<id>
void deregister_check(ApiCall& call, const std::string& id) {
  const Node* node = local_node(call);
  auto it = node ? node->checks.find(id) : decltype(node->checks.end()){};
  if (!node || it == node->checks.end() || id == "serfHealth")
    return call.fail(Status::not_found,
                     "Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.");
  const bool node_check = it->second.service_id.empty();
  if (!call.authorize_write(node_check ? "node:write" : "service:write",
                            node_check ? call.config().node_name : it->second.service_name))
    return;
  call.catalog().deregister_check(call.config().datacenter, call.config().node_name, id);
  call.reply(empty_ok());
}

}  // namespace

bool route_agent(ApiCall& call) {
  const std::string& path = call.path();
  if (!path.starts_with("/v1/agent/")) return false;
  if (route_agent_health(call)) return true;
  if (path == "/v1/agent/self" || path == "/v1/agent/members") {
    if (call.require_method({verb::get}) && call.authorize_read()) agent_self(call);
    return true;
  }
  if (path == "/v1/agent/service/register") {
    if (call.require_method({verb::put})) register_service(call);
    return true;
  }
  if (auto id = call.rest_after("/v1/agent/service/deregister/")) {
    if (call.require_method({verb::put})) deregister_service(call, *id);
    return true;
  }
  if (path == "/v1/agent/services") {
    if (call.require_method({verb::get})) list_services(call);
    return true;
  }
  if (path == "/v1/agent/checks") {
    if (call.require_method({verb::get})) list_checks(call);
    return true;
  }
  if (auto id = call.rest_after("/v1/agent/service/maintenance/")) {
    if (call.require_method({verb::put})) service_maintenance(call, *id);
    return true;
  }
  // Service IDs may contain '/' once decoded (Consul strips the prefix from the decoded path);
  // register and deregister/ were routed above.
  if (auto id = call.rest_after("/v1/agent/service/"); id && !id->empty()) {
    if (call.require_method({verb::get})) get_service(call, *id);
    return true;
  }
  if (path == "/v1/agent/maintenance") {
    if (call.require_method({verb::put})) node_maintenance(call);
    return true;
  }
  if (path == "/v1/agent/check/register") {
    if (call.require_method({verb::put})) register_check(call);
    return true;
  }
  if (auto id = call.rest_after("/v1/agent/check/deregister/")) {
    if (call.require_method({verb::put})) deregister_check(call, *id);
    return true;
  }
  struct TtlVerb {
    const char* prefix;
    HealthStatus status;
  };
  for (const TtlVerb v : {TtlVerb{"/v1/agent/check/pass/", HealthStatus::passing},
                          TtlVerb{"/v1/agent/check/warn/", HealthStatus::warning},
                          TtlVerb{"/v1/agent/check/fail/", HealthStatus::critical}}) {
    if (auto id = call.rest_after(v.prefix)) {
      if (call.require_method({verb::put})) update_check(call, *id, v.status, call.target().get("note"));
      return true;
    }
  }
  if (auto id = call.rest_after("/v1/agent/check/update/")) {
    if (call.require_method({verb::put})) update_check_from_body(call, *id);
    return true;
  }
  return false;
}

}  // namespace fakes::consul
