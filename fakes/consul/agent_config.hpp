#pragma once
// Who the fake agent is and which Consul behaviours it mimics.

#include <optional>
#include <string>

namespace fakes::consul {

/// What PUT /v1/agent/service/deregister/<unknown id> answers; it changed across versions.
enum class UnknownDeregister {
  not_found_404,  // current: 404 `Unknown service ID "<id>". Ensure that the service ID is passed, ...`
  legacy_500,     // old agents: 500 `Unknown service "<id>"`
  ignore_200,     // what the docs promise: "no action is taken"
};

struct AgentConfig {
  std::string node_name = "node1";
  std::string node_address = "127.0.0.1";
  std::string datacenter = "dc1";
  /// When set, writes need this token; without a token they get 403 Permission denied.
  std::optional<std::string> acl_master_token;
  UnknownDeregister unknown_deregister = UnknownDeregister::not_found_404;
  std::string version = "1.15.4";
  /// Consul's enable_script_checks: without it, registering a script check through the HTTP
  /// API is refused (500 "Scripts are disabled on this agent from remote calls; ...").
  bool enable_script_checks = false;
};

}  // namespace fakes::consul
