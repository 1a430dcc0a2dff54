#include "fakes/docker/api/output_followers.hpp"

#include <chrono>

namespace fakes::docker {

OutputFollowers::~OutputFollowers() {
  for (auto& [key, f] : followers_) {
    engine_.unsubscribe_output(f.output);
    engine_.events().unsubscribe(f.events);
  }
}

std::uint64_t OutputFollowers::follow(const http::ExchangePtr& ex, const std::string& container_id,
                                      const LogQuery& query, bool multiplexed, bool held) {
  const std::uint64_t key = next_key_++;
  Follower& f = followers_[key];
  f.ex = ex;
  f.held = held;
  f.output = engine_.subscribe_output([this, key, container_id, query, multiplexed](const Container& c,
                                                                                     const LogEntry& entry) {
    if (c.id != container_id) return;
    if (query.until != 0 && entry.time_nano > query.until) return finish(key);
    if (!selected(entry, query)) return;
    if (auto it = followers_.find(key); it != followers_.end()) send(it->second, render(entry, query, multiplexed));
  });
  f.events = engine_.events().subscribe([this, key, container_id](const Event& e) {
    if (e.type == "container" && e.actor_id == container_id && (e.action == "die" || e.action == "destroy"))
      finish(key);
  });
  if (query.until != 0) {
    const auto left = std::chrono::nanoseconds(query.until - engine_.now());
    f.until_timer = std::make_unique<boost::asio::steady_timer>(io_, std::max(left, std::chrono::nanoseconds(0)));
    f.until_timer->async_wait([this, key, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
      if (!ec && alive.lock()) finish(key);
    });
  }
  ex->on_close([this, key, alive = std::weak_ptr<int>(alive_)] {
    if (alive.lock()) forget(key);
  });
  // Closed already: the callback just registered never runs.
  if (!ex->is_open()) forget(key);
  return key;
}

void OutputFollowers::send(Follower& f, const std::string& bytes) {
  if (f.held) f.kept += bytes;
  else if (f.ex) f.ex->send_chunk(bytes);
}

void OutputFollowers::release(std::uint64_t key) {
  auto it = followers_.find(key);
  if (it == followers_.end()) return;
  Follower& f = it->second;
  f.held = false;
  if (!f.kept.empty() && f.ex) f.ex->send_chunk(f.kept);
  f.kept.clear();
  if (f.over) finish(key);
}

void OutputFollowers::finish(std::uint64_t key) {
  auto it = followers_.find(key);
  if (it == followers_.end()) return;
  if (it->second.held) {
    // The end waits for release(), behind the lines kept so far; nothing more is added.
    engine_.unsubscribe_output(it->second.output);
    engine_.events().unsubscribe(it->second.events);
    it->second.over = true;
    return;
  }
  forget(key);
}

void OutputFollowers::forget(std::uint64_t key) {
  auto it = followers_.find(key);
  if (it == followers_.end()) return;
  engine_.unsubscribe_output(it->second.output);
  engine_.events().unsubscribe(it->second.events);
  auto ex = std::move(it->second.ex);  // keep alive until we are out of its callbacks
  auto timer = std::move(it->second.until_timer);
  followers_.erase(it);
  if (timer) timer->cancel();
  if (ex && ex->is_open()) ex->end_stream();
}

}  // namespace fakes::docker
