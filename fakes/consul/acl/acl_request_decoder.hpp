#pragma once
// Bodies of PUT /v1/acl/policy and /v1/acl/token: field names case-insensitive as Go's decoder
// reads them; fields the fake does not model (Roles, ServiceIdentities, ...) and unknown ones
// are refused by name.

#include "fakes/consul/acl/acl_store.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace fakes::consul {

/// The error is the text after Consul's "Policy decoding failed: " / "Token decoding failed: ".
std::variant<AclPolicyRequest, std::string> decode_acl_policy(std::string_view body);
std::variant<AclTokenRequest, std::string> decode_acl_token(std::string_view body);

}  // namespace fakes::consul
