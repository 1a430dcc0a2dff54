#include "fakes/consul/state/event_log.hpp"

namespace fakes::consul {

void EventLog::deliver(UserEvent event, const std::vector<std::string>& nodes) {
  event.ltime = lamport_++;
  auto shared = std::make_shared<const UserEvent>(std::move(event));
  for (const std::string& node : nodes) {
    auto& kept = by_node_[node];
    kept.push_back(shared);
    if (kept.size() > kAgentBuffer) kept.pop_front();
  }
}

std::vector<std::shared_ptr<const UserEvent>> EventLog::list(const std::string& node) const {
  auto it = by_node_.find(node);
  if (it == by_node_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::uint64_t event_index(const std::string& uuid) {
  if (uuid.size() != 36) return 1;
  auto hex = [](const std::string& s) { return std::stoull(s, nullptr, 16); };
  const std::uint64_t lower = hex(uuid.substr(0, 8) + uuid.substr(9, 4) + uuid.substr(14, 4));
  const std::uint64_t upper = hex(uuid.substr(19, 4) + uuid.substr(24, 12));
  return lower ^ upper;
}

}  // namespace fakes::consul
