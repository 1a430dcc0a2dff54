#pragma once
// Rendered answers of read endpoints, reused while the catalog is unchanged. Watchers and
// dashboards ask the same question again and again; rebuilding ten instances' JSON each time
// costs a hundred times more than copying the bytes. Every catalog write bumps its index,
// which empties this cache, so an answer is never older than the state it describes.

#include "fakes/consul/responses/blocking_queries.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace fakes::consul {

class RenderedReads {
 public:
  /// The answer rendered for `key` while the catalog was at `catalog_index`, if any.
  std::optional<QueryView> find(const std::string& key, std::uint64_t catalog_index);
  void store(const std::string& key, std::uint64_t catalog_index, const QueryView& view);

 private:
  static constexpr std::size_t kMaxEntries = 1024;  // distinct questions between two writes
  void forget_older_than(std::uint64_t catalog_index);
  std::uint64_t index_ = 0;
  std::unordered_map<std::string, QueryView> answers_;
};

}  // namespace fakes::consul
