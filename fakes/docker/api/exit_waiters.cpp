#include "fakes/docker/api/exit_waiters.hpp"

#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/api/responses.hpp"

#include <memory>

namespace fakes::docker {

namespace {
std::string wait_body(int code) { return "{\"StatusCode\":" + std::to_string(code) + ",\"Error\":null}\n"; }
}  // namespace

ExitWaiters::~ExitWaiters() {
  for (auto& [key, waiter] : subscriptions_) engine_.events().unsubscribe(waiter.subscription);
}

void ExitWaiters::wait(const http::ExchangePtr& ex, const std::string& ref, const std::string& condition_in,
                       const ServerIdentity& server) {
  const std::string condition = condition_in.empty() ? "not-running" : condition_in;
  if (condition != "not-running" && condition != "next-exit" && condition != "removed")
    throw bad_parameter("invalid condition: \"" + condition + "\"");
  const Container& c = engine_.get(ref);
  const std::string id = c.id;

  auto header = http::make_response(http::Status::ok, "", "application/json");
  add_engine_headers(header, server);
  ex->begin_stream(std::move(header));
  if (condition == "not-running" && !c.state.running) {
    ex->send_chunk(wait_body(c.state.exit_code));
    ex->end_stream();
    return;
  }

  const std::uint64_t key = next_key_++;
  auto last_code = std::make_shared<int>(c.state.exit_code);
  std::weak_ptr<http::Exchange> weak = ex;
  subscriptions_[key].ex = ex;
  subscriptions_[key].subscription = engine_.events().subscribe([this, key, id, condition, last_code, weak](const Event& e) {
    if (e.type != "container" || e.actor_id != id) return;
    if (e.action == "die") {
      auto it = e.attributes.find("exitCode");
      *last_code = it == e.attributes.end() ? 0 : std::atoi(it->second.c_str());
    }
    const bool met = condition == "removed" ? e.action == "destroy" : e.action == "die";
    if (!met) return;
    if (auto ex = weak.lock(); ex && ex->is_open()) {
      ex->send_chunk(wait_body(*last_code));
      ex->end_stream();
    }
    release(key);
  });
  ex->on_close([this, key, alive = std::weak_ptr<int>(alive_)] {
    if (alive.lock()) release(key);
  });
  // Closed already (the client hung up before the header went out): the callback just
  // registered will never run, so release now or the waiter stays until its container changes.
  if (!ex->is_open()) release(key);
}

void ExitWaiters::release(std::uint64_t key) {
  auto it = subscriptions_.find(key);
  if (it == subscriptions_.end()) return;
  engine_.events().unsubscribe(it->second.subscription);
  auto ex = it->second.ex;  // keep alive until we are out of its callbacks
  subscriptions_.erase(it);
}

}  // namespace fakes::docker
