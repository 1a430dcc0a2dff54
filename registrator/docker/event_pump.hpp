#pragma once
// Reads the Docker event stream on its own thread into an unbounded in-order queue, and
// reconnects forever with back-off (since=<last event time>, duplicates dropped), queueing a
// Resync marker after every reconnect so the bridge can reconcile what it missed.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "registrator/docker/docker_client.hpp"
#include "registrator/docker/event_queue.hpp"

namespace registrator {

struct PumpItem {
  enum class Kind { Event, Resync };
  Kind kind = Kind::Event;
  DockerEvent event;
};

struct PumpOptions {
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

class EventPump : private EventSink {
 public:
  EventPump(DockerClient& docker, EventQueue<PumpItem>& queue, PumpOptions options = {});
  ~EventPump() override;
  EventPump(const EventPump&) = delete;
  EventPump& operator=(const EventPump&) = delete;

  /// Starts the reader thread and waits (up to `wait`) for the first connection.
  /// Returns an error message if the first attempt fails (the thread then stops), else nullopt.
  std::optional<std::string> start(std::chrono::milliseconds wait);
  /// Stops and joins the thread. Idempotent.
  void stop();

  /// Number of successful connections so far (for tests and logs).
  int connections() const;

 private:
  void run();
  // EventSink
  void on_connected() override;
  void on_event(DockerEvent event) override;

  DockerClient& docker_;
  EventQueue<PumpItem>& queue_;
  PumpOptions options_;
  std::thread thread_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool start_done_ = false;
  std::optional<std::string> start_error_;
  int connections_ = 0;

  // Replay de-duplication (touched only by the reader thread).
  std::int64_t last_time_ = 0;
  std::set<std::tuple<std::string, std::string, std::int64_t>> seen_at_last_;
};

}  // namespace registrator
