#pragma once
// What one token may do, decided as Consul's policyAuthorizer chained to the default policy
// does (acl/policy_authorizer.go): an exact rule for the name wins, else the longest prefix
// rule; a rule of `write` grants everything, `list` grants list and read, `read` grants read,
// `deny` nothing; with no rule the default policy (allow or deny) decides.

#include "fakes/consul/acl/acl_rules.hpp"

#include <memory>
#include <string_view>

namespace fakes::consul {

class Authorizer {
 public:
  /// The global-management policy's authorizer (and ACLs off): everything allowed.
  static Authorizer management() { return Authorizer(); }
  Authorizer(AclRuleSet rules, bool default_allow)
      : rules_(std::make_shared<const AclRuleSet>(std::move(rules))), default_allow_(default_allow), management_(false) {}

  bool allows(AclResource resource, std::string_view name, AccessLevel need) const;
  /// Consul's KeyWritePrefix (recursive delete): the prefix's own rule grants write and no
  /// rule under the prefix withholds it.
  bool allows_key_write_prefix(std::string_view prefix) const;
  /// acl = "read"/"write" (the ACL API itself).
  bool allows_acl(AccessLevel need) const;
  /// True when nothing can be denied, so filtering can be skipped.
  bool allows_everything() const { return management_; }

 private:
  Authorizer() = default;

  /// Allow, deny, or no rule applies (nullopt).
  static std::optional<bool> enforce(std::optional<AccessLevel> rule, AccessLevel need);
  std::optional<AccessLevel> rule_for(AclResource resource, std::string_view name) const;

  // Shared: every request and every parked blocking read copies its authorizer.
  std::shared_ptr<const AclRuleSet> rules_ = std::make_shared<const AclRuleSet>();
  bool default_allow_ = true;
  bool management_ = true;
};

}  // namespace fakes::consul
