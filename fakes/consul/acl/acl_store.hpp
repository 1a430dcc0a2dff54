#pragma once
// The ACL system's state, one per fake-consul process (Consul replicates it to every
// datacenter): policies, tokens, the bootstrap, and what a request's token may do. Its
// operations answer with Consul's texts; the endpoints (endpoints/acl_endpoints.cpp) only
// translate HTTP.

#include "fakes/consul/acl/authorizer.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace fakes::consul {

inline constexpr std::string_view kGlobalManagementPolicyId = "00000000-0000-0000-0000-000000000001";
inline constexpr std::string_view kAnonymousTokenAccessor = "00000000-0000-0000-0000-000000000002";

struct AclSettings {
  bool enabled = false;
  /// default_policy: what applies when no rule names the resource.
  bool default_allow = true;
  /// Consul's initial_management (was master) token: a management token present from the start.
  std::optional<std::string> initial_management;
  /// The fake's older --acl-master-token alone: the anonymous token may read everything.
  bool anonymous_reads_all = false;
};

struct AclPolicy {
  std::string id, name, description, rules;
  std::vector<std::string> datacenters;
  std::uint64_t create_index = 0, modify_index = 0;
  AclRuleSet parsed;
};

struct AclToken {
  std::string accessor, secret, description;
  std::vector<std::string> policy_ids;
  bool local = false;
  std::string create_time;
  std::uint64_t create_index = 0, modify_index = 0;
};

/// A failed operation: the HTTP status and Consul's text.
struct AclError {
  unsigned status;
  std::string message;
};

template <typename T>
using AclResult = std::variant<T, AclError>;

/// A token's wish list for create/update: policies by ID or by Name.
struct AclPolicyLink {
  std::string id, name;
};
struct AclTokenRequest {
  std::string accessor, secret, description;
  std::vector<AclPolicyLink> policies;
  bool local = false;
};
struct AclPolicyRequest {
  std::string id, name, description, rules;
  std::vector<std::string> datacenters;
};

/// Who is asking: the token's AccessorID (named in 403s) and what it may do.
struct AclIdentity {
  std::string accessor;
  Authorizer authorizer;
};

class AclStore {
 public:
  explicit AclStore(AclSettings settings);

  bool enabled() const { return settings_.enabled; }
  std::uint64_t index() const { return index_; }

  /// The identity for a SecretID ("" = anonymous); 403 "ACL not found" for an unknown one.
  AclResult<AclIdentity> resolve(const std::string& secret) const;

  /// PUT /v1/acl/bootstrap: the first management token, once.
  AclResult<AclToken> bootstrap();

  AclResult<AclPolicy> set_policy(const AclPolicyRequest& request, bool create);
  AclResult<bool> delete_policy(const std::string& id);
  const AclPolicy* find_policy(const std::string& id) const;
  const AclPolicy* find_policy_by_name(const std::string& name) const;
  std::vector<const AclPolicy*> policies() const;

  AclResult<AclToken> set_token(const AclTokenRequest& request, bool create);
  /// `caller_secret`: Consul refuses to delete the token the request is made with.
  AclResult<bool> delete_token(const std::string& accessor, const std::string& caller_secret);
  const AclToken* find_token(const std::string& accessor) const;
  const AclToken* find_token_by_secret(const std::string& secret) const;
  std::vector<const AclToken*> tokens() const;

 private:
  std::string new_uuid();
  AclToken make_token(std::string description, std::vector<std::string> policy_ids, std::string secret);
  bool management(const AclToken& token) const;
  AclResult<AclIdentity> resolve_uncached(const std::string& secret) const;
  AclResult<std::vector<std::string>> resolve_links(const std::vector<AclPolicyLink>& links) const;

  AclSettings settings_;
  std::uint64_t index_ = 1;
  bool bootstrapped_ = false;
  std::uint64_t bootstrap_index_ = 0;
  std::map<std::string, AclPolicy> policies_;  // by ID
  std::map<std::string, AclToken> tokens_;     // by AccessorID
  // Resolved identities by SecretID, valid while index_ stays (every change moves it): merging a
  // token's policies on each request doubled a read's cost with 20 policies.
  mutable std::map<std::string, AclIdentity> resolved_;
  mutable std::uint64_t resolved_at_ = 0;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace fakes::consul
