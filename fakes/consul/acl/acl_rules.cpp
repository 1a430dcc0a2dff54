#include "fakes/consul/acl/acl_rules.hpp"

#include "fakes/consul/acl/rules_syntax.hpp"

#include <vector>

namespace fakes::consul {

namespace {

constexpr std::array<std::string_view, kAclResourceCount> kResourceNames = {"agent", "event",   "key",    "node",
                                                                            "query", "service", "session"};

std::optional<AccessLevel> parse_level(std::string_view s, bool allow_list) {
  if (s == "deny") return AccessLevel::deny;
  if (s == "read") return AccessLevel::read;
  if (s == "write") return AccessLevel::write;
  if (s == "list" && allow_list) return AccessLevel::list;
  return std::nullopt;
}

std::string line_of(const RuleItem& item) { return " (line " + std::to_string(item.line) + ")"; }

std::string quote(const std::string& s) { return "\"" + s + "\""; }

/// Applies one item to `rules`; the error names the item.
std::optional<std::string> apply_rule(const RuleItem& item, AclRuleSet& rules) {
  std::optional<AccessLevel>* single = item.kind == "acl"        ? &rules.acl
                                       : item.kind == "operator" ? &rules.operator_
                                       : item.kind == "keyring"  ? &rules.keyring
                                       : item.kind == "mesh"     ? &rules.mesh
                                       : item.kind == "peering"  ? &rules.peering
                                                                 : nullptr;
  if (single) {
    if (!item.value) return "Failed to parse ACL rules: " + quote(item.kind) + " takes a value: " + item.kind + " = \"read\"" + line_of(item);
    auto level = parse_level(*item.value, false);
    if (!level) return "Invalid " + item.kind + " policy: " + quote(*item.value) + line_of(item);
    *single = single->has_value() ? stronger_rule(**single, *level) : *level;
    return std::nullopt;
  }
  std::string_view kind = item.kind;
  const bool prefix = kind.ends_with("_prefix");
  if (prefix) kind.remove_suffix(std::string_view("_prefix").size());
  auto resource = parse_resource_name(kind);
  if (!resource)
    return "Failed to parse ACL rules: unknown rule kind " + quote(item.kind) + line_of(item) +
           "; known: acl, agent, event, key, keyring, mesh, node, operator, peering, query, service, session "
           "(and each named one with _prefix)";
  if (!item.label) return "Failed to parse ACL rules: " + quote(item.kind) + " takes a name and a block: " + item.kind + " \"name\" { policy = \"read\" }" + line_of(item);
  for (const auto& [attribute, value] : item.attributes) {
    const bool known = attribute == "policy" || (attribute == "intentions" && *resource == AclResource::service);
    if (!known)
      return "Failed to parse ACL rules: unknown attribute " + quote(attribute) + " in " + item.kind + " " +
             quote(*item.label) + line_of(item);
  }
  auto policy = item.attributes.find("policy");
  auto level = policy == item.attributes.end() ? std::nullopt
                                               : parse_level(policy->second, *resource == AclResource::key);
  if (!level)
    return "Invalid " + item.kind + " policy: " +
           (policy == item.attributes.end() ? std::string("no policy") : quote(policy->second)) + " for " +
           quote(*item.label) + line_of(item);
  if (auto it = item.attributes.find("intentions"); it != item.attributes.end() && !parse_level(it->second, false))
    return "Invalid " + item.kind + " policy: intentions " + quote(it->second) + " for " + quote(*item.label) + line_of(item);
  NamedRules& named = rules.rules(*resource);
  auto& table = prefix ? named.prefix : named.exact;
  auto [it, fresh] = table.emplace(*item.label, *level);
  if (!fresh) it->second = stronger_rule(it->second, *level);
  return std::nullopt;
}

}  // namespace

std::string_view resource_name(AclResource r) { return kResourceNames[static_cast<std::size_t>(r)]; }

std::optional<AclResource> parse_resource_name(std::string_view name) {
  for (std::size_t i = 0; i < kResourceNames.size(); ++i)
    if (kResourceNames[i] == name) return static_cast<AclResource>(i);
  return std::nullopt;
}

std::string_view level_name(AccessLevel l) {
  switch (l) {
    case AccessLevel::deny: return "deny";
    case AccessLevel::read: return "read";
    case AccessLevel::list: return "list";
    case AccessLevel::write: return "write";
  }
  return "deny";
}

AccessLevel stronger_rule(AccessLevel a, AccessLevel b) {
  auto rank = [](AccessLevel l) {
    switch (l) {
      case AccessLevel::deny: return 3;
      case AccessLevel::write: return 2;
      case AccessLevel::list: return 1;
      case AccessLevel::read: return 0;
    }
    return 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

void AclRuleSet::merge(const AclRuleSet& other) {
  for (std::size_t i = 0; i < kAclResourceCount; ++i) {
    for (auto side : {&NamedRules::exact, &NamedRules::prefix}) {
      auto& mine = named[i].*side;
      for (const auto& [name, level] : other.named[i].*side) {
        auto [it, fresh] = mine.emplace(name, level);
        if (!fresh) it->second = stronger_rule(it->second, level);
      }
    }
  }
  auto merge_single = [](std::optional<AccessLevel>& mine, const std::optional<AccessLevel>& theirs) {
    if (theirs) mine = mine ? stronger_rule(*mine, *theirs) : *theirs;
  };
  merge_single(acl, other.acl);
  merge_single(operator_, other.operator_);
  merge_single(keyring, other.keyring);
  merge_single(mesh, other.mesh);
  merge_single(peering, other.peering);
}

std::variant<AclRuleSet, std::string> parse_acl_rules(std::string_view text) {
  if (text.size() > kMaxAclRulesBytes)
    return "Failed to parse ACL rules: the rules are " + std::to_string(text.size()) + " bytes, more than the " +
           std::to_string(kMaxAclRulesBytes) + " this fake accepts";
  const auto first = text.find_first_not_of(" \t\r\n");
  auto items = first != std::string_view::npos && text[first] == '{' ? read_json_rules(text) : read_hcl_rules(text);
  if (auto* error = std::get_if<std::string>(&items)) return "Failed to parse ACL rules: " + *error;
  AclRuleSet rules;
  for (const RuleItem& item : std::get<std::vector<RuleItem>>(items))
    if (auto error = apply_rule(item, rules)) return *error;
  return rules;
}

}  // namespace fakes::consul
