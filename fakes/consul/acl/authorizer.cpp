#include "fakes/consul/acl/authorizer.hpp"

namespace fakes::consul {

std::optional<bool> Authorizer::enforce(std::optional<AccessLevel> rule, AccessLevel need) {
  if (!rule) return std::nullopt;
  switch (*rule) {
    case AccessLevel::write: return true;
    case AccessLevel::list: return need == AccessLevel::list || need == AccessLevel::read;
    case AccessLevel::read: return need == AccessLevel::read;
    case AccessLevel::deny: return false;
  }
  return false;
}

std::optional<AccessLevel> Authorizer::rule_for(AclResource resource, std::string_view name) const {
  const NamedRules& named = rules_->rules(resource);
  if (auto it = named.exact.find(std::string(name)); it != named.exact.end()) return it->second;
  std::optional<AccessLevel> found;
  std::size_t longest = 0;
  for (const auto& [prefix, level] : named.prefix) {
    if (!name.starts_with(prefix)) continue;
    if (!found || prefix.size() >= longest) {
      found = level;
      longest = prefix.size();
    }
  }
  return found;
}

bool Authorizer::allows(AclResource resource, std::string_view name, AccessLevel need) const {
  if (management_) return true;
  return enforce(rule_for(resource, name), need).value_or(default_allow_);
}

bool Authorizer::allows_key_write_prefix(std::string_view prefix) const {
  if (management_) return true;
  const NamedRules& keys = rules_->rules(AclResource::key);
  // Any rule at or under the prefix that withholds write denies the whole prefix.
  for (const auto* side : {&keys.exact, &keys.prefix})
    for (const auto& [name, level] : *side)
      if (std::string_view(name).starts_with(prefix) && level != AccessLevel::write) return false;
  std::optional<AccessLevel> longest;
  std::size_t length = 0;
  for (const auto& [name, level] : keys.prefix)
    if (prefix.starts_with(name) && (!longest || name.size() >= length)) {
      longest = level;
      length = name.size();
    }
  return enforce(longest, AccessLevel::write).value_or(default_allow_);
}

bool Authorizer::allows_acl(AccessLevel need) const {
  if (management_) return true;
  // Consul's default-allow authorizer still withholds the ACL API: only rules or management grant it.
  return enforce(rules_->acl, need).value_or(false);
}

}  // namespace fakes::consul
