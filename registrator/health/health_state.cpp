#include "registrator/health/health_state.hpp"

#include <nlohmann/json.hpp>

#include "registrator/app/log.hpp"

namespace registrator {
namespace {

std::string for_how_long(HealthState::Clock::time_point since, HealthState::Clock::time_point now) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - since).count();
  return "for " + std::to_string(seconds < 0 ? 0 : seconds) + " s";
}

}  // namespace

std::string HealthReport::json() const {
  nlohmann::ordered_json j;
  j["status"] = healthy ? "ok" : "unhealthy";
  j["docker_events"] = docker_events;
  j["registry"] = registry;
  j["sync"] = sync;
  if (!reasons.empty()) j["reasons"] = reasons;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void HealthState::docker_connected() {
  std::lock_guard lock(mu_);
  docker_ = {State::good, {}, Clock::now()};
}

void HealthState::docker_disconnected(const std::string& reason) {
  std::lock_guard lock(mu_);
  // A stream that keeps failing to reconnect keeps the time it first went away.
  const auto since = docker_.state == State::bad ? docker_.since : Clock::now();
  docker_ = {State::bad, reason, since};
}

void HealthState::registry_reachable() {
  std::lock_guard lock(mu_);
  if (registry_.state == State::bad) log::write(log::Level::info, "health: registry reachable again");
  if (registry_.state != State::good) registry_ = {State::good, {}, Clock::now()};
}

void HealthState::registry_unreachable(const std::string& error) {
  std::lock_guard lock(mu_);
  // News only when it was reachable: before that, the start-up pings log their own failures.
  if (registry_.state == State::good)
    log::write(log::Level::warn, "health: registry unreachable: " + error, {{"error", error}});
  if (registry_.state != State::bad) registry_.since = Clock::now();
  registry_.state = State::bad;
  registry_.error = error;
}

void HealthState::sync_done() {
  std::lock_guard lock(mu_);
  synced_ = true;
}

HealthReport HealthState::report(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  HealthReport r;
  switch (docker_.state) {
    case State::unknown:
      r.docker_events = "connecting";
      r.reasons.push_back("docker event stream not connected yet");
      break;
    case State::good: r.docker_events = "connected"; break;
    case State::bad:
      r.docker_events = "disconnected";
      r.reasons.push_back("docker event stream disconnected " + for_how_long(docker_.since, now) + ": " + docker_.error);
      break;
  }
  switch (registry_.state) {
    case State::unknown:
      r.registry = "unchecked";
      r.reasons.push_back("registry not reached yet");
      break;
    case State::good: r.registry = "reachable"; break;
    case State::bad:
      r.registry = "unreachable";
      r.reasons.push_back("registry unreachable " + for_how_long(registry_.since, now) + ": " + registry_.error);
      break;
  }
  r.sync = synced_ ? "done" : "starting";
  if (!synced_) r.reasons.push_back("start-up sync with Docker not done yet");
  r.healthy = r.reasons.empty();
  return r;
}

}  // namespace registrator
