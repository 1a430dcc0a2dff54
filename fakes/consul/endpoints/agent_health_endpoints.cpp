// /v1/agent/health/service/id/:id and /name/:name: the agent's own verdict on its services,
// as Consul's AgentHealthServiceByID/ByName (agent/agent_endpoint.go): the service with its
// checks (the agent's node checks included) and an aggregated status that is also the HTTP
// code: passing 200, warning 429, critical or maintenance 503, unknown 404. `?format=text` (or
// Accept: text/plain) answers the status word alone. X-Consul-Reason repeats it.
#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/endpoints/shared_shapes.hpp"

namespace fakes::consul {

namespace {

using fakes::http::bhttp::verb;
using nlohmann::json;


/// api.HealthChecks.AggregatedStatus: any maintenance check wins, then the worst status.
std::string aggregated_status(const std::vector<const Check*>& checks) {
  bool maintenance = false;
  HealthStatus worst = HealthStatus::passing;
  for (const Check* c : checks) {
    if (c->id == "_node_maintenance" || c->id.starts_with("_service_maintenance:")) maintenance = true;
    else if (c->status > worst) worst = c->status;
  }
  return maintenance ? "maintenance" : std::string(to_string(worst));
}

Status code_for(const std::string& aggregated) {
  if (aggregated == "passing") return Status::ok;
  if (aggregated == "warning") return Status::too_many_requests;
  return Status::service_unavailable;
}

/// The node's checks (not serfHealth) and the service's, as the agent's ChecksForService(id, true).
std::vector<const Check*> agent_checks_for(const Node& node, const std::string& service_id) {
  std::vector<const Check*> out;
  for (const auto& [id, c] : node.checks)
    if ((c.service_id.empty() && id != kSerfCheckId) || c.service_id == service_id) out.push_back(&c);
  return out;
}

/// An api.HealthCheck as agentHealthService fills it: identity, status and output only.
json health_check_json(const Node& node, const Check& c) {
  return {{"Node", node.name},
          {"CheckID", c.id},
          {"Name", c.name},
          {"Status", to_string(c.status)},
          {"Notes", c.notes},
          {"Output", c.output},
          {"ServiceID", c.service_id},
          {"ServiceName", c.service_name},
          {"ServiceTags", c.service_tags.empty() ? json(nullptr) : json(c.service_tags)},
          {"Type", ""},
          {"ExposedPort", 0},
          {"Definition",
           {{"HTTP", ""}, {"Header", nullptr}, {"Method", ""}, {"Body", ""}, {"TLSServerName", ""},
            {"TLSSkipVerify", false}, {"TCP", ""}, {"UDP", ""}, {"GRPC", ""}, {"OSService", ""},
            {"GRPCUseTLS", false}, {"Interval", "0s"}, {"Timeout", "0s"}, {"DeregisterCriticalServiceAfter", "0s"}}},
          {"CreateIndex", 0},
          {"ModifyIndex", 0}};
}

bool wants_text(ApiCall& call) {
  if (auto accept = call.request().find(fakes::http::bhttp::field::accept); accept != call.request().end())
    if (std::string_view(accept->value()).starts_with("text/plain")) return true;
  return call.target().get("format") == "text";
}

void answer(ApiCall& call, Status code, const std::string& reason, const json& body) {
  auto response = wants_text(call) ? fakes::http::make_response(code, reason, "text/plain")
                                   : fakes::http::make_response(code, body.dump(), "application/json");
  response.set("X-Consul-Reason", reason);
  call.reply(std::move(response));
}

struct ServiceHealth {
  std::string status;
  json info;  // api.AgentServiceChecksInfo
};

ServiceHealth service_health(ApiCall& call, const Node& node, const Service& service) {
  json checks = json::array();
  const auto own = agent_checks_for(node, service.id);
  for (const Check* c : own) checks.push_back(health_check_json(node, *c));
  const std::string status = aggregated_status(own);
  return {status, {{"AggregatedStatus", status},
                   {"Service", agent_service_json(service, call.config().datacenter)},
                   {"Checks", checks}}};
}

void by_id(ApiCall& call, const std::string& id) {
  if (id.empty()) return call.fail(Status::bad_request, "Missing serviceID");
  const auto services = call.catalog().agent_services(call.config().datacenter, call.config().node_name);
  const Node* node = call.catalog().find_node(call.config().datacenter, call.config().node_name);
  auto it = services.find(id);
  if (!node || it == services.end()) {
    const std::string reason = "ServiceId " + id + " not found";
    return answer(call, Status::not_found, reason,
                  {{"AggregatedStatus", "critical"}, {"Service", nullptr}, {"Checks", nullptr}});
  }
  // Consul's agentLocalServiceHealth checks service:read on the service (403 without it).
  if (!call.authorize(AclResource::service, it->second->name, AccessLevel::read)) return;
  auto health = service_health(call, *node, *it->second);
  answer(call, code_for(health.status), health.status, health.info);
}

void by_name(ApiCall& call, const std::string& name) {
  if (name.empty()) return call.fail(Status::bad_request, "Missing service Name");
  if (!call.authorize(AclResource::service, name, AccessLevel::read)) return;
  Status code = Status::not_found;
  std::string reason = "ServiceName " + name + " Not Found";
  json result = json::array();
  const Node* node = call.catalog().find_node(call.config().datacenter, call.config().node_name);
  if (node) {
    for (const auto& [id, service] : call.catalog().agent_services(call.config().datacenter, call.config().node_name)) {
      if (service->name != name) continue;  // the agent's ServicesByName matches exactly
      auto health = service_health(call, *node, *service);
      result.push_back(health.info);
      // passing 200 < warning 429 < critical 503: keep the worst.
      const Status scode = code_for(health.status);
      if (code == Status::not_found || static_cast<unsigned>(scode) > static_cast<unsigned>(code)) {
        code = scode;
        reason = health.status;
      }
    }
  }
  answer(call, code, reason, result);
}

}  // namespace

bool route_agent_health(ApiCall& call) {
  auto id = call.rest_after("/v1/agent/health/service/id/");
  auto name = call.rest_after("/v1/agent/health/service/name/");
  if (!id && !name) return false;
  if (!call.require_method({verb::get}) || !call.authorize_read()) return true;
  if (id) by_id(call, *id);
  else by_name(call, *name);
  return true;
}

}  // namespace fakes::consul
