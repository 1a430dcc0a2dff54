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
    entries_.emplace(key, KvEntry{key, std::move(value), flags, 0, index, index});
  } else {
    it->second.value = std::move(value);
    it->second.flags = flags;
    it->second.modify_index = index;
  }
  return true;
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
