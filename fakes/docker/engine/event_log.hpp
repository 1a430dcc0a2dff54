#pragma once
// The engine's event log: what /events replays (since/until) and streams live. The history is
// in memory and bounded, like dockerd's ring buffer, and is lost on a daemon restart.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fakes::docker {

struct Event {
  std::string type;    // container | network | image | daemon ...
  std::string action;  // create, start, kill, die, stop, destroy, "health_status: healthy", ...
  std::string actor_id;
  std::map<std::string, std::string> attributes;
  std::string scope = "local";
  std::int64_t time_nano = 0;
};

class EventLog {
 public:
  using Listener = std::function<void(const Event&)>;

  explicit EventLog(std::size_t capacity = 256) : capacity_(capacity) {}

  void append(Event event);
  /// Events with since <= time_nano <= until, oldest first.
  std::vector<Event> between(std::int64_t since_nano, std::int64_t until_nano) const;
  const std::deque<Event>& history() const { return history_; }
  void clear() { history_.clear(); }

  /// Listeners see every appended event, in order. Returns a handle for unsubscribe().
  std::uint64_t subscribe(Listener listener);
  void unsubscribe(std::uint64_t handle);

 private:
  std::size_t capacity_;
  std::deque<Event> history_;
  std::map<std::uint64_t, Listener> listeners_;
  std::uint64_t next_handle_ = 1;
};

}  // namespace fakes::docker
