#pragma once
// Consul's key/value store: entries with flags and Raft indexes, prefix listing,
// check-and-set, and the locks sessions hold on keys (?acquire= / ?release=) with the
// lock-delay that follows an invalidated session. Indexes come from the catalog so
// X-Consul-Index is one counter. Whether a session exists is the catalog's business
// (state/catalog_sessions.cpp); this store only records who holds what.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::consul {

struct KvTxnOp;
struct KvTxnOutcome;

class IndexSource {
 public:
  virtual ~IndexSource() = default;
  /// Bumps the shared index, notifies watchers, returns the new index.
  virtual std::uint64_t commit() = 0;
};

struct KvEntry {
  std::string key;
  std::string value;
  std::uint64_t flags = 0;
  std::uint64_t lock_index = 0;  // how many times a session acquired it
  std::string session;           // the holder; "" = not locked
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;
};

class KvStore {
 public:
  explicit KvStore(IndexSource& index) : index_(index) {}

  const KvEntry* get(const std::string& key) const;
  /// Entries whose key starts with prefix, sorted by key.
  std::vector<const KvEntry*> list(std::string_view prefix) const;
  /// ?keys: keys under prefix, folded at the first `separator` after the prefix when given.
  std::vector<std::string> keys(std::string_view prefix, std::string_view separator) const;
  /// Writes the entry. With cas: 0 = only if absent, N = only if ModifyIndex == N. A held
  /// lock stays held (Consul's plain set keeps the entry's Session) but LockIndex becomes 0,
  /// as the request's entry carries none.
  bool put(const std::string& key, std::string value, std::uint64_t flags, std::optional<std::uint64_t> cas = {});
  /// ?acquire=: writes value and flags and makes `session` the holder unless another session
  /// holds the key; LockIndex counts acquisitions (re-acquiring by the holder keeps it). The
  /// caller checked that the session exists and the key is not in its lock-delay.
  bool acquire(const std::string& key, std::string value, std::uint64_t flags, const std::string& session);
  /// ?release=: writes value and flags and clears the holder, only when `session` holds it.
  bool release(const std::string& key, std::string value, std::uint64_t flags, const std::string& session);
  /// An invalidated session's keys at the invalidating write's `index` (no commit of its own):
  /// released (behavior "release") or deleted ("delete"); each key gets a lock-delay until
  /// `delay_until` when given. Returns how many keys it touched.
  std::size_t drop_session(const std::string& session, bool delete_keys, std::uint64_t index,
                           std::optional<std::chrono::steady_clock::time_point> delay_until);
  /// /v1/txn's KV operations (state/kv_txn.cpp) on a copy of the store at `index`; when all
  /// succeed and one writes, the copy becomes the store and the index is committed.
  /// `session_exists` answers for lock verbs (Consul's state store looks sessions up).
  KvTxnOutcome transact(const std::vector<KvTxnOp>& ops, std::uint64_t index,
                        const std::function<bool(const std::string&)>& session_exists);
  /// Until when a new lock on `key` is refused (Consul's lock-delay); nullopt = none set.
  std::optional<std::chrono::steady_clock::time_point> lock_delay(const std::string& key) const;
  /// Deletes the key (or every key under it); true even when nothing matched, as Consul.
  bool erase(const std::string& key, bool recurse, std::optional<std::uint64_t> cas = {});
  std::size_t size() const { return entries_.size(); }

 private:
  IndexSource& index_;
  std::map<std::string, KvEntry> entries_;
  std::map<std::string, std::chrono::steady_clock::time_point> lock_delays_;  // by key
};

}  // namespace fakes::consul
