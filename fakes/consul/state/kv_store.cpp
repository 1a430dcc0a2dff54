#include "fakes/consul/state/kv_store.hpp"

namespace fakes::consul {

const KvEntry* KvStore::get(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<const KvEntry*> KvStore::list(std::string_view prefix) const {
  std::vector<const KvEntry*> out;
  for (auto it = entries_.lower_bound(std::string(prefix)); it != entries_.end(); ++it) {
    if (!std::string_view(it->first).starts_with(prefix)) break;
    out.push_back(&it->second);
  }
  return out;
}

std::vector<std::string> KvStore::keys(std::string_view prefix, std::string_view separator) const {
  std::vector<std::string> out;
  for (const KvEntry* e : list(prefix)) {
    std::string key = e->key;
    if (!separator.empty()) {
      auto cut = key.find(separator, prefix.size());
      if (cut != std::string::npos) key.resize(cut + separator.size());
    }
    if (out.empty() || out.back() != key) out.push_back(std::move(key));
  }
  return out;
}

bool KvStore::put(const std::string& key, std::string value, std::uint64_t flags, std::optional<std::uint64_t> cas) {
  auto it = entries_.find(key);
  if (cas) {
    if (*cas == 0 && it != entries_.end()) return false;
    if (*cas != 0 && (it == entries_.end() || it->second.modify_index != *cas)) return false;
  }
  const std::uint64_t index = index_.commit();
  if (it == entries_.end()) {
    entries_.emplace(key, KvEntry{key, std::move(value), flags, 0, "", index, index});
  } else {
    it->second.value = std::move(value);
    it->second.flags = flags;
    // Consul's KVSet writes the request's entry, whose LockIndex is 0; only Session is kept.
    it->second.lock_index = 0;
    it->second.modify_index = index;
  }
  return true;
}

bool KvStore::acquire(const std::string& key, std::string value, std::uint64_t flags, const std::string& session) {
  auto it = entries_.find(key);
  if (it != entries_.end() && !it->second.session.empty() && it->second.session != session) return false;
  const std::uint64_t index = index_.commit();
  if (it == entries_.end()) {
    entries_.emplace(key, KvEntry{key, std::move(value), flags, 1, session, index, index});
    return true;
  }
  KvEntry& e = it->second;
  if (e.session != session) ++e.lock_index;  // a new holder; the holder re-acquiring keeps it
  e.session = session;
  e.value = std::move(value);
  e.flags = flags;
  e.modify_index = index;
  return true;
}

bool KvStore::release(const std::string& key, std::string value, std::uint64_t flags, const std::string& session) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.session != session) return false;
  KvEntry& e = it->second;
  e.session.clear();
  e.value = std::move(value);
  e.flags = flags;
  e.modify_index = index_.commit();
  return true;
}

std::size_t KvStore::drop_session(const std::string& session, bool delete_keys, std::uint64_t index,
                                  std::optional<std::chrono::steady_clock::time_point> delay_until) {
  std::size_t touched = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.session != session) {
      ++it;
      continue;
    }
    ++touched;
    if (delay_until) lock_delays_[it->first] = *delay_until;
    if (delete_keys) {
      it = entries_.erase(it);
      continue;
    }
    it->second.session.clear();
    it->second.modify_index = index;
    ++it;
  }
  return touched;
}

std::optional<std::chrono::steady_clock::time_point> KvStore::lock_delay(const std::string& key) const {
  auto it = lock_delays_.find(key);
  if (it == lock_delays_.end()) return std::nullopt;
  return it->second;
}

bool KvStore::erase(const std::string& key, bool recurse, std::optional<std::uint64_t> cas) {
  if (recurse) {
    auto first = entries_.lower_bound(key);
    auto last = first;
    while (last != entries_.end() && std::string_view(last->first).starts_with(key)) ++last;
    if (first == last) return true;
    entries_.erase(first, last);
    index_.commit();
    return true;
  }
  auto it = entries_.find(key);
  if (cas && (it == entries_.end() || it->second.modify_index != *cas)) return it == entries_.end() && *cas == 0;
  if (it == entries_.end()) return true;
  entries_.erase(it);
  index_.commit();
  return true;
}

}  // namespace fakes::consul
