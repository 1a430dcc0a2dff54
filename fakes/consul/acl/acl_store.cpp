#include "fakes/consul/acl/acl_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>

namespace fakes::consul {

namespace {

// acl/policy.go's ACLPolicyGlobalManagement, what the builtin policy shows as its Rules.
constexpr std::string_view kGlobalManagementRules = R"(
acl = "write"
agent_prefix "" {
  policy = "write"
}
event_prefix "" {
  policy = "write"
}
key_prefix "" {
  policy = "write"
}
keyring = "write"
node_prefix "" {
  policy = "write"
}
operator = "write"
mesh = "write"
peering = "write"
query_prefix "" {
  policy = "write"
}
service_prefix "" {
  policy = "write"
  intentions = "write"
}
session_prefix "" {
  policy = "write"
}
)";

// What the anonymous token may do under the fake's legacy --acl-master-token alone.
constexpr std::string_view kReadEverythingRules = R"(
agent_prefix "" { policy = "read" }
event_prefix "" { policy = "read" }
key_prefix "" { policy = "read" }
node_prefix "" { policy = "read" }
query_prefix "" { policy = "read" }
service_prefix "" { policy = "read" }
session_prefix "" { policy = "read" }
)";

AclError server_error(std::string message) { return AclError{500, std::move(message)}; }

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

bool is_uuid(const std::string& s) {
  static const std::regex pattern("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return std::regex_match(s, pattern);
}

std::string rfc3339_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

AclStore::AclStore(AclSettings settings) : settings_(std::move(settings)) {
  AclPolicy global;
  global.id = std::string(kGlobalManagementPolicyId);
  global.name = "global-management";
  global.description = "Builtin Policy that grants unlimited access";
  global.rules = std::string(kGlobalManagementRules);
  global.parsed = std::get<AclRuleSet>(parse_acl_rules(global.rules));
  global.create_index = global.modify_index = index_;
  policies_.emplace(global.id, std::move(global));

  AclToken anonymous = make_token("Anonymous Token", {}, "anonymous");
  anonymous.accessor = std::string(kAnonymousTokenAccessor);
  tokens_.emplace(anonymous.accessor, std::move(anonymous));
  if (settings_.initial_management) {
    AclToken initial = make_token("Initial Management Token", {std::string(kGlobalManagementPolicyId)},
                                  *settings_.initial_management);
    tokens_.emplace(initial.accessor, std::move(initial));
  }
}

std::string AclStore::new_uuid() {
  char buf[37];
  const std::uint64_t a = rng_(), b = rng_();
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

AclToken AclStore::make_token(std::string description, std::vector<std::string> policy_ids, std::string secret) {
  AclToken t;
  t.accessor = new_uuid();
  t.secret = secret.empty() ? new_uuid() : std::move(secret);
  t.description = std::move(description);
  t.policy_ids = std::move(policy_ids);
  t.create_time = rfc3339_now();
  t.create_index = t.modify_index = ++index_;
  return t;
}

bool AclStore::management(const AclToken& token) const {
  return std::find(token.policy_ids.begin(), token.policy_ids.end(), kGlobalManagementPolicyId) != token.policy_ids.end();
}

AclResult<AclIdentity> AclStore::resolve(const std::string& secret) const {
  constexpr std::size_t kMaxResolved = 1024;  // bound: a client cycling made-up tokens is not cached
  if (resolved_at_ != index_ || resolved_.size() >= kMaxResolved) {
    resolved_.clear();
    resolved_at_ = index_;
  }
  if (auto hit = resolved_.find(secret); hit != resolved_.end()) return hit->second;
  auto identity = resolve_uncached(secret);
  if (auto* found = std::get_if<AclIdentity>(&identity)) resolved_.emplace(secret, *found);
  return identity;
}

AclResult<AclIdentity> AclStore::resolve_uncached(const std::string& secret) const {
  const AclToken* token = find_token_by_secret(secret.empty() ? "anonymous" : secret);
  if (!token) return AclError{403, "ACL not found"};
  if (management(*token)) return AclIdentity{token->accessor, Authorizer::management()};
  AclRuleSet rules;
  for (const std::string& id : token->policy_ids)
    if (const AclPolicy* p = find_policy(id)) rules.merge(p->parsed);
  if (token->accessor == kAnonymousTokenAccessor && settings_.anonymous_reads_all)
    rules.merge(std::get<AclRuleSet>(parse_acl_rules(kReadEverythingRules)));
  return AclIdentity{token->accessor, Authorizer(std::move(rules), settings_.default_allow)};
}

AclResult<AclToken> AclStore::bootstrap() {
  if (bootstrapped_) return AclError{403, "Permission denied: ACL bootstrap no longer allowed (reset index: " +
                                              std::to_string(bootstrap_index_) + ")"};
  AclToken token = make_token("Bootstrap Token (Global Management)", {std::string(kGlobalManagementPolicyId)}, "");
  bootstrapped_ = true;
  bootstrap_index_ = token.create_index;
  tokens_.emplace(token.accessor, token);
  return token;
}

AclResult<AclPolicy> AclStore::set_policy(const AclPolicyRequest& request, bool create) {
  static const std::regex valid_name("^[A-Za-z0-9\\-_]{1,128}$");
  if (!std::regex_match(request.name, valid_name))
    return server_error("Invalid Policy: invalid Name. Only alphanumeric characters, '-' and '_' are allowed");
  AclPolicy* existing = nullptr;
  if (!create) {
    auto it = policies_.find(request.id);
    if (it == policies_.end()) return server_error("Cannot find policy " + quoted(request.id));
    existing = &it->second;
  }
  if (const AclPolicy* same_name = find_policy_by_name(request.name); same_name && same_name != existing)
    return server_error("Invalid Policy: A Policy with Name " + quoted(request.name) + " already exists");
  if (existing && existing->id == kGlobalManagementPolicyId) {
    if (request.rules != existing->rules)
      return server_error("Changing the Rules for the builtin global-management policy is not permitted");
    if (!request.datacenters.empty())
      return server_error("Changing the Datacenters of the builtin global-management policy is not permitted");
  }
  auto parsed = parse_acl_rules(request.rules);
  if (auto* error = std::get_if<std::string>(&parsed)) return server_error(*error);
  AclPolicy policy;
  policy.id = create ? new_uuid() : request.id;
  policy.name = request.name;
  policy.description = request.description;
  policy.rules = request.rules;
  policy.datacenters = request.datacenters;
  policy.parsed = std::get<AclRuleSet>(std::move(parsed));
  policy.modify_index = ++index_;
  policy.create_index = existing ? existing->create_index : policy.modify_index;
  policies_[policy.id] = policy;
  return policy;
}

AclResult<bool> AclStore::delete_policy(const std::string& id) {
  if (id == kGlobalManagementPolicyId)
    return server_error("Delete operation not permitted on the builtin global-management policy");
  if (policies_.erase(id) == 0) return true;  // Consul: deleting what is gone succeeds
  ++index_;
  for (auto& [accessor, token] : tokens_) std::erase(token.policy_ids, id);
  return true;
}

const AclPolicy* AclStore::find_policy(const std::string& id) const {
  auto it = policies_.find(id);
  return it == policies_.end() ? nullptr : &it->second;
}

const AclPolicy* AclStore::find_policy_by_name(const std::string& name) const {
  for (const auto& [id, p] : policies_)
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<const AclPolicy*> AclStore::policies() const {
  std::vector<const AclPolicy*> out;
  for (const auto& [id, p] : policies_) out.push_back(&p);
  return out;
}

AclResult<std::vector<std::string>> AclStore::resolve_links(const std::vector<AclPolicyLink>& links) const {
  std::vector<std::string> ids;
  for (const AclPolicyLink& link : links) {
    const AclPolicy* p = !link.id.empty() ? find_policy(link.id) : find_policy_by_name(link.name);
    if (!p && !link.id.empty()) return server_error("No such ACL policy with ID " + quoted(link.id));
    if (!p) return server_error("No such ACL policy with name " + quoted(link.name));
    if (std::find(ids.begin(), ids.end(), p->id) == ids.end()) ids.push_back(p->id);
  }
  return ids;
}

AclResult<AclToken> AclStore::set_token(const AclTokenRequest& request, bool create) {
  auto ids = resolve_links(request.policies);
  if (auto* error = std::get_if<AclError>(&ids)) return *error;
  if (create) {
    if (!request.accessor.empty()) {
      if (!is_uuid(request.accessor)) return server_error("Invalid Token: AccessorID is not a valid UUID");
      if (tokens_.count(request.accessor)) return server_error("Invalid Token: AccessorID is already in use");
    }
    if (!request.secret.empty() && find_token_by_secret(request.secret))
      return server_error("Invalid Token: SecretID is already in use");
    AclToken token = make_token(request.description, std::get<std::vector<std::string>>(std::move(ids)), request.secret);
    if (!request.accessor.empty()) token.accessor = request.accessor;
    token.local = request.local;
    tokens_.emplace(token.accessor, token);
    return token;
  }
  auto it = tokens_.find(request.accessor);
  if (it == tokens_.end()) return server_error("Cannot find token " + quoted(request.accessor));
  AclToken& token = it->second;
  if (!request.secret.empty() && request.secret != token.secret)
    return server_error("Changing a tokens SecretID is not permitted");
  if (request.local != token.local) return server_error("Cannot toggle local mode of " + request.accessor);
  token.description = request.description;
  token.policy_ids = std::get<std::vector<std::string>>(std::move(ids));
  token.modify_index = ++index_;
  return token;
}

AclResult<bool> AclStore::delete_token(const std::string& accessor, const std::string& caller_secret) {
  if (accessor == kAnonymousTokenAccessor) return server_error("Delete operation not permitted on the anonymous token");
  auto it = tokens_.find(accessor);
  if (it == tokens_.end()) return true;
  if (it->second.secret == caller_secret) return server_error("Deletion of the request's authorization token is not permitted");
  tokens_.erase(it);
  ++index_;
  return true;
}

const AclToken* AclStore::find_token(const std::string& accessor) const {
  auto it = tokens_.find(accessor);
  return it == tokens_.end() ? nullptr : &it->second;
}

const AclToken* AclStore::find_token_by_secret(const std::string& secret) const {
  for (const auto& [accessor, t] : tokens_)
    if (t.secret == secret) return &t;
  return nullptr;
}

std::vector<const AclToken*> AclStore::tokens() const {
  std::vector<const AclToken*> out;
  for (const auto& [accessor, t] : tokens_) out.push_back(&t);
  return out;
}

}  // namespace fakes::consul
