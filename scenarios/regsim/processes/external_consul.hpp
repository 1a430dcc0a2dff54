#pragma once
// `regsim run --consul ADDR:PORT`: the scenario runs against a Consul agent regsim did not start
// (a real `consul agent -dev`, or anything else speaking its API) instead of its own fake-consul.
// Only what a real agent offers can be used then: one datacenter, one shared agent, and no
// steps that need fake-consul's /_fake/ control API.

#include "scenarios/regsim/language/scenario.hpp"

#include "fakes/common/http/client.hpp"

#include <string>
#include <vector>

namespace regsim {

/// What in `scenario` cannot run against an agent regsim did not start, one message each
/// ("steps[4] (restart_consul) restarts regsim's own fake Consul"); empty = it can.
std::vector<std::string> external_consul_problems(const Scenario& scenario);

/// "HOST:PORT" -> an endpoint; nullopt when it is not of that form (port 1..65535).
std::optional<fakes::http::Endpoint> parse_host_port(const std::string& text);

struct AgentIdentity {
  std::string node;        // Config.NodeName
  std::string datacenter;  // Config.Datacenter
};

/// GET /v1/agent/self; throws LaunchError naming the agent when it does not answer as Consul does.
AgentIdentity read_agent_identity(const fakes::http::Endpoint& agent);

/// The service IDs a run of `scenario` may leave in an agent: those starting with a host's
/// "HOSTNAME:" (its registrator's), and the literal IDs its consul_register steps register.
struct ServiceFootprint {
  std::vector<std::string> id_prefixes;
  std::vector<std::string> ids;
  bool covers(const std::string& id) const;
};
ServiceFootprint service_footprint(const Scenario& scenario);

/// Deregisters, through the agent, every service the footprint covers: what an earlier run left
/// behind. Returns how many went; throws LaunchError when the agent refuses.
int deregister_footprint(const fakes::http::Endpoint& agent, const ServiceFootprint& footprint);

}  // namespace regsim
