#pragma once
// One datacenter's prepared queries table with Consul's write rules (PreparedQuery.Apply,
// parseQuery and the state store's integrity checks) and lookup rules (by ID, by name,
// then the longest template prefix). Every error is Consul's text; the HTTP layer answers
// them as the RPC errors they are (500), except "Query not found" (404).

#include "fakes/consul/queries/prepared_query.hpp"
#include "fakes/consul/state/kv_store.hpp"

#include <functional>
#include <map>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace fakes::consul {

inline constexpr const char* kQueryNotFound = "Query not found";

class PreparedQueryStore {
 public:
  /// Whether a session ID names a live session (queries may be bound to one).
  using SessionLookup = std::function<bool(const std::string&)>;
  PreparedQueryStore(IndexSource& index, SessionLookup session_exists)
      : index_(index), session_exists_(std::move(session_exists)) {}

  /// The prepared-queries table index (X-Consul-Index of its reads); at least 1.
  std::uint64_t index() const { return table_index_ > 0 ? table_index_ : 1; }

  /// Create: Consul picks the ID. Returns the ID, or the error text (nothing stored).
  std::variant<std::string, std::string> create(PreparedQuery query);
  /// Update the query `id` to `query` (its ID field is replaced). "" or the error text.
  std::string update(const std::string& id, PreparedQuery query);
  /// Delete; "" or the error text (an unknown ID is one).
  std::string remove(const std::string& id);

  /// GET /v1/query/<id>: by ID only; the query, or the error text (kQueryNotFound, or the
  /// UUID index's complaint about a malformed ID).
  std::variant<const PreparedQuery*, std::string> get(const std::string& id) const;
  /// Every query, by ID.
  std::vector<const PreparedQuery*> list() const;
  /// Execute and explain: by ID (not a template), else exact name, else the template with
  /// the longest prefix of `id_or_name`, rendered for it. The query or the error text.
  std::variant<PreparedQuery, std::string> resolve(const std::string& id_or_name) const;

  /// A session was invalidated in the write at `index`: its queries go with it (no commit).
  void drop_session(const std::string& session_id, std::uint64_t index);

 private:
  /// parseQuery and the state store's checks for `query` replacing `existing` (or new).
  std::string validate(const PreparedQuery& query, const PreparedQuery* existing) const;
  std::string new_uuid();

  IndexSource& index_;
  SessionLookup session_exists_;
  std::map<std::string, PreparedQuery> queries_;  // by ID
  std::uint64_t table_index_ = 0;
  std::mt19937_64 ids_{std::random_device{}()};
};

/// go-memdb's UUID index complaint about `id`, "" when it parses as a UUID.
std::string uuid_index_error(const std::string& id);

}  // namespace fakes::consul
