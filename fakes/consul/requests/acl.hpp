#pragma once
// Token-based write authorization in the shape of Consul's ACL errors (acl/errors.go).

#include "fakes/consul/state/agent_config.hpp"
#include "fakes/common/http/server.hpp"
#include "fakes/common/url.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace fakes::consul {

/// The anonymous token's AccessorID, which Consul names in permission errors.
inline constexpr std::string_view kAnonymousAccessorId = "00000000-0000-0000-0000-000000000002";

/// X-Consul-Token, then Authorization: Bearer, then the deprecated ?token=.
std::string request_token(const fakes::http::Request& request, const fakes::http::Target& target);

/// nullopt when allowed; otherwise the 403 reason: "ACL not found" for an unknown token,
/// `Permission denied: token with AccessorID '...' lacks permission 'service:write' on "web"`
/// for the anonymous token. Reads are open (anonymous has read), as registrator needs.
std::optional<std::string> acl_denies(const AgentConfig& config, const std::string& token, bool write,
                                      std::string_view permission, std::string_view resource);

}  // namespace fakes::consul
