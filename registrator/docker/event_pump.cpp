#include "registrator/docker/event_pump.hpp"

#include <algorithm>

#include "registrator/app/log.hpp"

namespace registrator {

EventPump::EventPump(DockerClient& docker, EventQueue<PumpItem>& queue, PumpOptions options)
    : docker_(docker), queue_(queue), options_(options) {}

EventPump::~EventPump() { stop(); }

std::optional<std::string> EventPump::start(std::chrono::milliseconds wait) {
  thread_ = std::thread([this] { run(); });
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, wait, [&] { return start_done_; })) return std::string("timed out connecting");
  return start_error_;
}

void EventPump::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  docker_.cancel_events();
  if (thread_.joinable()) thread_.join();
}

int EventPump::connections() const {
  std::lock_guard lock(mu_);
  return connections_;
}

void EventPump::on_connected() {
  bool reconnect;
  {
    std::lock_guard lock(mu_);
    reconnect = connections_ > 0;
    ++connections_;
    start_done_ = true;
  }
  cv_.notify_all();
  if (reconnect) {
    log::write(log::Level::info, "Docker event stream reconnected", {{"event", "docker events reconnected"}});
    PumpItem item;
    item.kind = PumpItem::Kind::Resync;
    queue_.push(std::move(item));
  }
}

void EventPump::on_event(DockerEvent event) {
  if (event.type != "container") return;
  // Drop exact duplicates replayed by since=<seconds> after a reconnect.
  if (event.time > last_time_) {
    last_time_ = event.time;
    seen_at_last_.clear();
  }
  if (event.time != 0 && event.time == last_time_ && event.time_nano != 0) {
    if (!seen_at_last_.insert(std::make_tuple(event.id, event.action, event.time_nano)).second) return;
  }
  PumpItem item;
  item.event = std::move(event);
  queue_.push(std::move(item));
}

void EventPump::run() {
  auto backoff = options_.initial_backoff;
  bool first = true;
  while (true) {
    std::optional<std::int64_t> since;
    if (!first && last_time_ > 0) since = last_time_;
    int before = connections();
    std::string reason = docker_.stream_events(since, *this);
    bool connected = connections() > before;
    {
      std::unique_lock lock(mu_);
      if (stopping_ || reason == "cancelled") return;
      if (first && !connected) {
        start_error_ = reason;
        start_done_ = true;
        cv_.notify_all();
        return;
      }
    }
    first = false;
    if (connected) backoff = options_.initial_backoff;
    log::write(log::Level::warn, "Docker event stream ended: " + reason, {{"event", "docker events ended"}, {"error", reason}});
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, backoff, [&] { return stopping_; })) return;
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
    log::write(log::Level::info, "Reconnecting to Docker event stream" +
                                     (last_time_ > 0 ? " (since=" + std::to_string(last_time_) + ")" : std::string()),
               {{"event", "docker events reconnecting"}});
  }
}

}  // namespace registrator
