#include "fakes/docker/engine/event_log.hpp"

namespace fakes::docker {

void EventLog::append(Event event) {
  history_.push_back(event);
  while (capacity_ != 0 && history_.size() > capacity_) history_.pop_front();
  // Copy: a listener may unsubscribe (or subscribe) while being told.
  auto listeners = listeners_;
  for (auto& [handle, listener] : listeners) {
    if (listeners_.count(handle)) listener(event);
  }
}

std::vector<Event> EventLog::between(std::int64_t since_nano, std::int64_t until_nano) const {
  std::vector<Event> out;
  for (const auto& e : history_)
    if (e.time_nano >= since_nano && e.time_nano <= until_nano) out.push_back(e);
  return out;
}

std::uint64_t EventLog::subscribe(Listener listener) {
  auto handle = next_handle_++;
  listeners_[handle] = std::move(listener);
  return handle;
}

void EventLog::unsubscribe(std::uint64_t handle) { listeners_.erase(handle); }

}  // namespace fakes::docker
