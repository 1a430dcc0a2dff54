#include "scenarios/regsim/processes/external_consul.hpp"

#include "scenarios/regsim/processes/child_process.hpp"
#include "scenarios/regsim/running/registrator_flags.hpp"

#include "fakes/common/url.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace regsim {
namespace {

using boost::beast::http::verb;

constexpr auto kTimeout = std::chrono::seconds(5);

const char* consul_op_name(ConsulOp op) {
  switch (op) {
    case ConsulOp::fault: return "consul_fault";
    case ConsulOp::clear_faults: return "consul_clear_faults";
    case ConsulOp::lose_state: return "consul_lose_state";
    case ConsulOp::restart: return "restart_consul";
    default: return nullptr;  // the agent API: any Consul has it
  }
}

nlohmann::json get_json(const fakes::http::Endpoint& agent, const std::string& target) {
  fakes::http::ClientResponse r;
  try {
    r = fakes::http::fetch(agent, verb::get, target, {}, {}, kTimeout);
  } catch (const fakes::http::ClientError& e) {
    throw LaunchError("Consul agent " + agent.to_string() + " (--consul) unreachable: " + e.what());
  }
  if (r.status != 200)
    throw LaunchError("Consul agent " + agent.to_string() + ": GET " + target + " answered " + std::to_string(r.status) +
                      ": " + r.body.substr(0, 200));
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    throw LaunchError("Consul agent " + agent.to_string() + ": GET " + target + " answered something other than a JSON object");
  return doc;
}

}  // namespace

std::vector<std::string> external_consul_problems(const Scenario& scenario) {
  std::vector<std::string> out;
  if (scenario.registry.backend != RegistryBackend::consul)
    out.push_back("its registry is etcd, not Consul");
  if (scenario.consul.datacenters.size() > 1)
    out.push_back("consul.datacenters: several datacenters need a fake Consul per datacenter");
  if (scenario.consul.dns != ConsulSpec::Dns{})
    out.push_back("consul.dns: DNS options configure regsim's own fake Consul (set them on your agent instead)");
  if (scenario.consul.agent_per_host)
    out.push_back("consul.agent_per_host: an agent per host needs regsim's own fake Consul");
  for (const auto& step : scenario.steps)
    if (const auto* c = std::get_if<ConsulAction>(&step.action))
      if (const char* name = consul_op_name(c->op))
        out.push_back(step.path + " (" + name + ") needs fake-consul's /_fake/ control API");
  return out;
}

std::optional<fakes::http::Endpoint> parse_host_port(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const auto* first = text.data() + colon + 1;
  const auto* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc{} || end != last || port == 0 || port > 65535 || host.empty()) return std::nullopt;
  return fakes::http::Endpoint::tcp(host, static_cast<std::uint16_t>(port));
}

AgentIdentity read_agent_identity(const fakes::http::Endpoint& agent) {
  const auto self = get_json(agent, "/v1/agent/self");
  const auto config = self.find("Config");
  if (config == self.end() || !config->is_object() || !config->value("NodeName", nlohmann::json()).is_string() ||
      !config->value("Datacenter", nlohmann::json()).is_string())
    throw LaunchError("Consul agent " + agent.to_string() +
                      ": GET /v1/agent/self has no Config.NodeName and Config.Datacenter");
  return {(*config)["NodeName"].get<std::string>(), (*config)["Datacenter"].get<std::string>()};
}

bool ServiceFootprint::covers(const std::string& id) const {
  for (const auto& prefix : id_prefixes)
    if (id.starts_with(prefix)) return true;
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

ServiceFootprint service_footprint(const Scenario& scenario) {
  ServiceFootprint out;
  for (const auto& h : scenario.hosts) out.id_prefixes.push_back(registrator_hostname(h) + ":");
  for (const auto& step : scenario.steps)
    if (const auto* c = std::get_if<ConsulAction>(&step.action); c && c->op == ConsulOp::register_service) {
      // Consul's default ID is the service's name.
      const auto& r = c->registration;
      const auto field = r.contains("ID") ? r.find("ID") : r.find("Name");
      if (field == r.end() || !field->is_string()) continue;
      const auto id = field->get<std::string>();
      if (!id.empty() && id.find("{{") == std::string::npos) out.ids.push_back(id);
    }
  return out;
}

int deregister_footprint(const fakes::http::Endpoint& agent, const ServiceFootprint& footprint) {
  const auto services = get_json(agent, "/v1/agent/services");
  int removed = 0;
  for (const auto& [id, service] : services.items()) {
    if (!footprint.covers(id)) continue;
    const auto target = "/v1/agent/service/deregister/" + fakes::http::percent_encode(id);
    fakes::http::ClientResponse r;
    try {
      r = fakes::http::fetch(agent, verb::put, target, {}, {}, kTimeout);
    } catch (const fakes::http::ClientError& e) {
      throw LaunchError("Consul agent " + agent.to_string() + ": PUT " + target + ": " + e.what());
    }
    if (r.status != 200)
      throw LaunchError("Consul agent " + agent.to_string() + ": PUT " + target + " answered " +
                        std::to_string(r.status) + ": " + r.body.substr(0, 200));
    ++removed;
  }
  return removed;
}

}  // namespace regsim
