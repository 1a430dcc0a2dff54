#pragma once
// A policy's rules as Consul's acl package holds them after parsing (acl/policy.go): per
// resource kind, exact and prefix rules with an access level, plus the single-level resources
// (acl, operator, keyring, mesh, peering).

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace fakes::consul {

/// Consul's AccessLevel; `list` exists for keys only.
enum class AccessLevel { deny, read, list, write };

/// The resources that take a name (`service "web" {...}`, `service_prefix "" {...}`).
enum class AclResource { agent, event, key, node, query, service, session };
inline constexpr std::size_t kAclResourceCount = 7;

/// Consul's spelling: "service", "key", ...
std::string_view resource_name(AclResource r);
std::optional<AclResource> parse_resource_name(std::string_view name);
std::string_view level_name(AccessLevel l);

/// When two rules name the same thing (in one policy or across a token's policies), Consul's
/// merger keeps the one that takes precedence: deny, then write, then list, then read.
AccessLevel stronger_rule(AccessLevel a, AccessLevel b);

struct NamedRules {
  std::map<std::string, AccessLevel> exact;
  std::map<std::string, AccessLevel> prefix;
};

struct AclRuleSet {
  std::array<NamedRules, kAclResourceCount> named;
  std::optional<AccessLevel> acl, operator_, keyring, mesh, peering;

  NamedRules& rules(AclResource r) { return named[static_cast<std::size_t>(r)]; }
  const NamedRules& rules(AclResource r) const { return named[static_cast<std::size_t>(r)]; }
  /// Adds `other`'s rules, the stronger one winning where both name the same thing.
  void merge(const AclRuleSet& other);
};

/// Rules text as a policy's Rules field carries it: HCL, or JSON when it starts with '{'.
/// The error is Consul's shape: "Failed to parse ACL rules: At 3:5: ..." for syntax,
/// `Invalid service policy: ...` for a bad level; both name the line.
std::variant<AclRuleSet, std::string> parse_acl_rules(std::string_view text);

/// Rules texts longer than this are refused (the fake's bound; Consul has none below its
/// request size limit).
inline constexpr std::size_t kMaxAclRulesBytes = 256 * 1024;

}  // namespace fakes::consul
