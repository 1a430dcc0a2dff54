#pragma once
// Consul's user events (agent/user_event.go): fired into a datacenter, kept by every agent
// whose node and services pass the event's filters, each agent remembering its last 256.
// Not Raft state: an agent's list is what gossip brought it, so the log is per node.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fakes::consul {

struct UserEvent {
  std::string id;
  std::string name;
  std::optional<std::string> payload;  // nullopt renders as null (no body was sent)
  std::string node_filter;
  std::string service_filter;
  std::string tag_filter;
  int version = 1;  // Consul's userEventMaxVersion
  std::uint64_t ltime = 0;  // Serf's Lamport time, set when the agents receive it
};

class EventLog {
 public:
  /// How many events an agent keeps (Consul's eventBuf).
  static constexpr std::size_t kAgentBuffer = 256;

  /// Delivers `event` to the agents of `nodes` (those its filters let through) with the next
  /// Lamport time. The event is answered as fired, before delivery (LTime 0).
  void deliver(UserEvent event, const std::vector<std::string>& nodes);
  /// The events the agent of `node` kept, oldest first.
  std::vector<std::shared_ptr<const UserEvent>> list(const std::string& node) const;

 private:
  std::uint64_t lamport_ = 1;  // Serf starts its event clock at 1
  std::map<std::string, std::deque<std::shared_ptr<const UserEvent>>> by_node_;
};

/// Consul's uuidToUint64: the X-Consul-Index of an event list is the last event's ID folded to
/// 64 bits (the two halves XORed), so it changes with every new event but does not grow.
std::uint64_t event_index(const std::string& uuid);

}  // namespace fakes::consul
