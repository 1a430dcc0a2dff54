#pragma once
// What GET /health reports (-health-addr), fed by the threads that see each part happen:
//  * the Docker event stream: the event pump's thread, through ObservedDocker (connected, or
//    ended and being reconnected);
//  * the registry: the RegistryProbe's pings, and the start-up pings of the main thread;
//  * start-up: the main thread, once the first sync with Docker's container list is done.
// Healthy = all three are good. Thread-safe; report() takes the time so tests can pass theirs.
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace registrator {

struct HealthReport {
  bool healthy = false;
  /// One sentence per part that is not good, e.g. "registry unreachable for 12 s: consul
  /// 127.0.0.1:8500: connect: Connection refused". Empty when healthy.
  std::vector<std::string> reasons;
  /// The response body: {"status":"ok"|"unhealthy","docker_events":...,"registry":...,
  /// "sync":...,"reasons":[...]}.
  std::string json() const;

  std::string docker_events;  ///< "connecting" (never connected yet), "connected", "disconnected"
  std::string registry;       ///< "unchecked", "reachable", "unreachable"
  std::string sync;           ///< "starting", "done"
};

class HealthState {
 public:
  using Clock = std::chrono::steady_clock;

  void docker_connected();
  /// The stream ended; `reason` is the event pump's (it reconnects with back-off).
  void docker_disconnected(const std::string& reason);
  void registry_reachable();
  /// A ping failed; `error` names the registry and what went wrong. Logged when it is news.
  void registry_unreachable(const std::string& error);
  /// The start-up sync is done: registrator is doing its job from now on.
  void sync_done();

  HealthReport report(Clock::time_point now = Clock::now()) const;

 private:
  enum class State { unknown, good, bad };
  struct Part {
    State state = State::unknown;
    std::string error;
    Clock::time_point since;
  };

  mutable std::mutex mu_;
  Part docker_;
  Part registry_;
  bool synced_ = false;
};

}  // namespace registrator
