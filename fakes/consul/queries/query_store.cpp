#include "fakes/consul/queries/query_store.hpp"

#include "fakes/consul/queries/query_template.hpp"
#include "fakes/consul/requests/go_duration.hpp"
#include "fakes/consul/state/catalog.hpp"

#include <cstdio>
#include <regex>

namespace fakes::consul {

namespace {

// Consul's redactedToken: what a GET shows instead of a token the reader may not see.
constexpr const char* kRedactedToken = "<hidden>";

bool is_uuid(const std::string& s) {
  static const std::regex re("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return s.size() == 36 && std::regex_match(s, re);
}

// structs.ValidateNodeMetadata with the consul- prefix allowed (as parseService asks).
std::string validate_node_meta(const OptionalMap& meta) {
  if (!meta) return "";
  if (meta->size() > 64) return "Node metadata cannot contain more than 64 key/value pairs";
  static const std::regex key_chars("^[a-zA-Z0-9_-]+$");
  for (const auto& [key, value] : *meta) {
    if (key.empty()) return "Key cannot be blank";
    if (!std::regex_match(key, key_chars)) return "Key contains invalid characters";
    if (key.size() > 128) return "Key is too long (limit: 128 characters)";
    if (value.size() > 512) return "Value is too long (limit: 512 characters)";
  }
  return "";
}

// parseQuery: what PreparedQuery.Apply checks before the write ("Invalid prepared query: ").
std::string parse_query(const PreparedQuery& q) {
  if (q.name.empty() && q.template_.type.empty() && q.session.empty()) return "Must be bound to a session";
  if (q.token == kRedactedToken)
    return "Bad Token '" + q.token + "', it looks like a query definition with a redacted token was submitted";
  if (q.service.service.empty()) return "Must provide a Service name to query";
  if (q.service.failover.nearest_n < 0)
    return "Bad NearestN '" + std::to_string(q.service.failover.nearest_n) + "', must be >= 0";
  if (auto error = validate_node_meta(q.service.node_meta); !error.empty()) return error;
  if (!q.dns_ttl.empty()) {
    const auto ttl = parse_go_duration(q.dns_ttl);
    if (!ttl) return "Bad DNS TTL '" + q.dns_ttl + "': " + go_duration_error(q.dns_ttl);
    if (ttl->count() < 0) return "DNS TTL '" + std::to_string(ttl->count()) + "', must be >=0";
  }
  return "";
}

bool longer_prefix_of(const PreparedQuery& candidate, const std::string& lowered, const PreparedQuery* best) {
  const std::string prefix = to_lower(candidate.name);
  if (!lowered.starts_with(prefix)) return false;
  return best == nullptr || prefix.size() > best->name.size();
}

}  // namespace

std::string uuid_index_error(const std::string& id) {
  if (id.size() != 36) return "UUID must be 36 characters";
  const auto hyphens = std::count(id.begin(), id.end(), '-');
  if (hyphens > 4) return "UUID should have maximum of 4 \"-\"; got " + std::to_string(hyphens);
  std::string hex;
  for (char c : id)
    if (c != '-') hex += c;
  if (hex.size() % 2 != 0) return "Input (without hyphens) must be even length";
  for (char c : hex) {
    if (std::isxdigit(static_cast<unsigned char>(c))) continue;
    char buf[64];
    std::snprintf(buf, sizeof buf, "Invalid UUID: encoding/hex: invalid byte: U+%04X '%c'",
                  static_cast<unsigned>(static_cast<unsigned char>(c)), c);
    return buf;
  }
  return "";
}

std::string PreparedQueryStore::new_uuid() {
  for (;;) {
    const std::uint64_t a = ids_(), b = ids_();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                  static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffull));
    if (!queries_.count(buf)) return buf;
  }
}

std::string PreparedQueryStore::validate(const PreparedQuery& q, const PreparedQuery* existing) const {
  if (auto error = parse_query(q); !error.empty()) return "Invalid prepared query: " + error;
  // The state store's integrity checks, in its order.
  if (!q.name.empty()) {
    for (const auto& [id, other] : queries_)
      if (iequals(other.name, q.name) && (!existing || existing->id != id))
        return "name '" + q.name + "' aliases an existing query name";
  } else if (q.is_template()) {
    for (const auto& [id, other] : queries_)
      if (other.is_template() && other.name.empty() && (!existing || existing->id != id))
        return "a query template with an empty name already exists";
  }
  if (is_uuid(q.name) && queries_.count(to_lower(q.name)))
    return "name '" + q.name + "' aliases an existing query ID";
  if (!q.session.empty() && !session_exists_(q.session)) return "invalid session \"" + q.session + "\"";
  if (q.is_template()) {
    if (auto error = compile_template(q); !error.empty()) return "failed compiling template: " + error;
  }
  return "";
}

std::variant<std::string, std::string> PreparedQueryStore::create(PreparedQuery query) {
  using Result = std::variant<std::string, std::string>;
  if (!query.id.empty()) return Result(std::in_place_index<1>, "ID must be empty when creating a new prepared query");
  query.id = new_uuid();
  if (auto error = validate(query, nullptr); !error.empty()) return Result(std::in_place_index<1>, error);
  const std::uint64_t index = index_.commit();
  query.create_index = query.modify_index = index;
  table_index_ = index;
  const std::string id = query.id;
  queries_.emplace(id, std::move(query));
  return Result(std::in_place_index<0>, id);
}

std::string PreparedQueryStore::update(const std::string& id, PreparedQuery query) {
  query.id = id;
  if (auto error = uuid_index_error(id); !error.empty())
    return "Prepared Query lookup failed: failed prepared query lookup: " + error;
  auto it = queries_.find(to_lower(id));
  if (it == queries_.end()) return "Cannot modify non-existent prepared query: '" + id + "'";
  query.id = it->first;
  if (auto error = validate(query, &it->second); !error.empty()) return error;
  const std::uint64_t index = index_.commit();
  query.create_index = it->second.create_index;
  query.modify_index = index;
  table_index_ = index;
  it->second = std::move(query);
  return "";
}

std::string PreparedQueryStore::remove(const std::string& id) {
  if (auto error = uuid_index_error(id); !error.empty())
    return "Prepared Query lookup failed: failed prepared query lookup: " + error;
  auto it = queries_.find(to_lower(id));
  if (it == queries_.end()) return "Cannot modify non-existent prepared query: '" + id + "'";
  queries_.erase(it);
  table_index_ = index_.commit();
  return "";
}

std::variant<const PreparedQuery*, std::string> PreparedQueryStore::get(const std::string& id) const {
  if (auto error = uuid_index_error(id); !error.empty()) return "failed prepared query lookup: " + error;
  auto it = queries_.find(to_lower(id));
  if (it == queries_.end()) return std::string(kQueryNotFound);
  return &it->second;
}

std::vector<const PreparedQuery*> PreparedQueryStore::list() const {
  std::vector<const PreparedQuery*> out;
  for (const auto& [id, q] : queries_) out.push_back(&q);
  return out;
}

std::variant<PreparedQuery, std::string> PreparedQueryStore::resolve(const std::string& id_or_name) const {
  using Result = std::variant<PreparedQuery, std::string>;
  if (id_or_name.empty()) return Result(std::in_place_index<1>, "Missing Query ID");
  if (is_uuid(id_or_name)) {
    if (auto it = queries_.find(to_lower(id_or_name)); it != queries_.end()) {
      if (it->second.is_template())
        return Result(std::in_place_index<1>, "prepared query templates can only be resolved up by name, not by ID");
      return Result(std::in_place_index<0>, it->second);
    }
  }
  auto prepare = [&](const PreparedQuery& q) -> Result {
    if (!q.is_template()) return Result(std::in_place_index<0>, q);
    auto rendered = render_template(q, id_or_name);
    if (auto* error = std::get_if<std::string>(&rendered)) return Result(std::in_place_index<1>, *error);
    return Result(std::in_place_index<0>, std::get<PreparedQuery>(std::move(rendered)));
  };
  for (const auto& [id, q] : queries_)
    if (!q.name.empty() && iequals(q.name, id_or_name)) return prepare(q);
  const std::string lowered = to_lower(id_or_name);
  const PreparedQuery* best = nullptr;
  for (const auto& [id, q] : queries_)
    if (q.is_template() && longer_prefix_of(q, lowered, best)) best = &q;
  if (best) return prepare(*best);
  return Result(std::in_place_index<1>, kQueryNotFound);
}

void PreparedQueryStore::drop_session(const std::string& session_id, std::uint64_t index) {
  const auto dropped = std::erase_if(queries_, [&](const auto& entry) { return entry.second.session == session_id; });
  if (dropped > 0) table_index_ = index;
}

}  // namespace fakes::consul
