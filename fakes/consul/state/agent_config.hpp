#pragma once
// Who the fake agent is and which Consul behaviours it mimics.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace fakes::consul {

class AclStore;

/// What PUT /v1/agent/service/deregister/<unknown id> answers; it changed across versions.
enum class UnknownDeregister {
  not_found_404,  // current: 404 `Unknown service ID "<id>". Ensure that the service ID is passed, ...`
  legacy_500,     // old agents: 500 `Unknown service "<id>"`
  ignore_200,     // what the docs promise: "no action is taken"
};

/// --script-checks: what an HTTP-registered script check gets.
enum class ScriptChecks {
  refuse,  // Consul's default: 500, nothing applied
  store,   // registered and shown, never run (the harness default)
  run,     // Consul's enable_script_checks = true: run with --run-checks
};

struct AgentConfig {
  std::string node_name = "node1";
  std::string node_address = "127.0.0.1";
  std::string datacenter = "dc1";
  /// When set, writes need this token; without a token they get 403 Permission denied.
  /// With acl_default_policy it is the initial management token of the ACL system.
  std::optional<std::string> acl_master_token;
  /// --acl-default-policy allow|deny: turns on the ACL system (policies, tokens, /v1/acl/*).
  std::optional<std::string> acl_default_policy;
  /// The process's ACL state, shared by every agent and datacenter (FakeConsul sets it).
  std::shared_ptr<AclStore> acl_store;
  UnknownDeregister unknown_deregister = UnknownDeregister::not_found_404;
  std::string version = "1.15.4";
  /// Script checks (Args) registered over the HTTP API. Consul's default (enable_script_checks
  /// off) refuses them: 500 "Scripts are disabled on this agent from remote calls; ...".
  /// regsim asks for `store` (kept, never run), because shipped scenarios register
  /// SERVICE_CHECK_SCRIPT checks.
  ScriptChecks script_checks = ScriptChecks::refuse;
  /// The servers' session_ttl_min: a session TTL below it is refused (Consul: 10s; tests
  /// lower it to see a TTL run out within a second or two).
  std::chrono::milliseconds session_ttl_min = std::chrono::seconds(10);
};

}  // namespace fakes::consul
