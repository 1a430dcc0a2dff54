#pragma once
// A request's token and what it may do, in the shape of Consul's ACL errors (acl/errors.go).

#include "fakes/consul/acl/acl_store.hpp"
#include "fakes/consul/state/agent_config.hpp"
#include "fakes/common/http/server.hpp"
#include "fakes/common/url.hpp"

#include <string>
#include <string_view>

namespace fakes::consul {

/// The anonymous token's AccessorID, which Consul names in permission errors.
inline constexpr std::string_view kAnonymousAccessorId = kAnonymousTokenAccessor;

/// X-Consul-Token, then Authorization: Bearer, then the deprecated ?token=.
std::string request_token(const fakes::http::Request& request, const fakes::http::Target& target);

/// Who the token is; everything is allowed while ACLs are off. 403 "ACL not found" for an
/// unknown token.
AclResult<AclIdentity> request_identity(const AgentConfig& config, const std::string& token);

/// `Permission denied: token with AccessorID '...' lacks permission 'service:write' on "web"`.
std::string permission_denied(const std::string& accessor, std::string_view permission, std::string_view resource);

}  // namespace fakes::consul
