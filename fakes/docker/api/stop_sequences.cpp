#include "fakes/docker/api/stop_sequences.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace fakes::docker {

struct StopSequences::Pending {
  explicit Pending(boost::asio::io_context& io) : timer(io) {}
  std::string id;
  std::function<void()> done;
  boost::asio::steady_timer timer;
  std::uint64_t subscription = 0;
};

StopSequences::~StopSequences() { cancel_all(); }

void StopSequences::stop(const std::string& ref, int timeout_seconds, std::function<void()> done) {
  const std::string id = engine_.get(ref).id;
  if (engine_.stop_begin(id)) {
    engine_.stop_finish(id);
    done();
    return;
  }
  // The process ignored TERM: wait for it to die (by the timeout's KILL or on its own).
  const std::uint64_t key = next_key_++;
  auto pending = std::make_shared<Pending>(io_);
  pending->id = id;
  pending->done = std::move(done);
  pending->subscription = engine_.events().subscribe([this, key, id](const Event& e) {
    // Posted: the engine is still in the middle of emitting (network disconnect follows die).
    if (e.type == "container" && e.action == "die" && e.actor_id == id)
      boost::asio::post(io_, [this, key] { complete(key); });
  });
  pending_[key] = pending;
  if (timeout_seconds >= 0) {
    pending->timer.expires_after(std::chrono::seconds(timeout_seconds));
    pending->timer.async_wait([this, id](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto c = engine_.find(id); c && c->state.running) engine_.kill(id, 9);
    });
  }
}

void StopSequences::complete(std::uint64_t key) {
  auto it = pending_.find(key);
  if (it == pending_.end()) return;
  auto pending = it->second;
  pending_.erase(it);
  engine_.events().unsubscribe(pending->subscription);
  pending->timer.cancel();
  if (engine_.find(pending->id)) engine_.stop_finish(pending->id);
  pending->done();
}

void StopSequences::cancel_all() {
  for (auto& [key, pending] : pending_) {
    engine_.events().unsubscribe(pending->subscription);
    pending->timer.cancel();
  }
  pending_.clear();
}

}  // namespace fakes::docker
