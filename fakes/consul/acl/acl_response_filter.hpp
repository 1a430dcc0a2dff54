#pragma once
// Consul's list endpoints drop what the token may not read instead of refusing (the
// aclFilter in agent/consul/acl.go): the same here, by the route's answer shape.

#include "fakes/consul/acl/authorizer.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace fakes::consul {

/// `body` as `path` (a read route) answered it, without the entries the authorizer may not
/// read. Routes that name no ACL resource come back unchanged.
nlohmann::json filter_for_acl(std::string_view path, nlohmann::json body, const Authorizer& authz);

}  // namespace fakes::consul
