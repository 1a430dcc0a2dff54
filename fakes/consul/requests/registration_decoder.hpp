#pragma once
// PUT /v1/agent/service/register body -> ServiceRegistration, with Consul's validation order
// and messages (agent_endpoint.go AgentRegisterService): decode, name, address, weights,
// meta, service validation, checks, check status.

#include "fakes/consul/state/catalog.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace fakes::consul {

/// The 400 reason text to send, e.g. "Missing service name".
struct RegistrationError {
  std::string message;
};

std::variant<ServiceRegistration, RegistrationError> decode_service_registration(std::string_view body);

/// PUT /v1/agent/check/register: a check of the agent's node, or of one of its services.
struct CheckRegistration {
  CheckDefinition check;   // id defaults to the name
  std::string service_id;  // "" = node check
};

/// Validation order and messages of AgentRegisterCheck: decode, "Missing check name",
/// "Bad check status", "Invalid check: ...". Whether ServiceID exists is the caller's check.
std::variant<CheckRegistration, RegistrationError> decode_check_registration(std::string_view body);

/// Consul's service meta rules (max 64 pairs, key format/length, reserved "consul-" prefix,
/// value length); returns "" when valid, else the reason without the "Invalid Service Meta: ".
std::string validate_service_meta(const std::map<std::string, std::string>& meta);

}  // namespace fakes::consul
