#include "fakes/consul/responses/rendered_reads.hpp"

namespace fakes::consul {

void RenderedReads::forget_older_than(std::uint64_t catalog_index) {
  if (catalog_index == index_) return;
  answers_.clear();
  index_ = catalog_index;
}

std::optional<QueryView> RenderedReads::find(const std::string& key, std::uint64_t catalog_index) {
  forget_older_than(catalog_index);
  const auto it = answers_.find(key);
  if (it == answers_.end()) return std::nullopt;
  return it->second;
}

void RenderedReads::store(const std::string& key, std::uint64_t catalog_index, const QueryView& view) {
  forget_older_than(catalog_index);
  if (answers_.size() >= kMaxEntries) answers_.clear();
  answers_.emplace(key, view);
}

}  // namespace fakes::consul
