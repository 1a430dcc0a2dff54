#pragma once
// Consul's key/value store basics: entries with flags and Raft indexes, prefix listing,
// check-and-set. Indexes come from the catalog so X-Consul-Index is one counter.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::consul {

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
  std::uint64_t lock_index = 0;
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
  /// Writes the entry. With cas: 0 = only if absent, N = only if ModifyIndex == N.
  bool put(const std::string& key, std::string value, std::uint64_t flags, std::optional<std::uint64_t> cas = {});
  /// Deletes the key (or every key under it); true even when nothing matched, as Consul.
  bool erase(const std::string& key, bool recurse, std::optional<std::uint64_t> cas = {});
  std::size_t size() const { return entries_.size(); }

 private:
  IndexSource& index_;
  std::map<std::string, KvEntry> entries_;
};

}  // namespace fakes::consul
