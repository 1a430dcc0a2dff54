#pragma once
// FakeDocker: the whole fake engine in one object — listeners (unix socket and/or TCP), the
// Docker API, and a control surface for tests that is kept apart from the Docker API: these
// C++ methods, and the same operations under /_fake/... over HTTP.
//
// Threading: everything runs on one io thread owned by this object. The public methods may be
// called from any thread; they post onto the io thread and wait for the result (errors are
// rethrown as DockerError). Calling them from the io thread itself runs them inline.

#include "fakes/docker/api/api_version.hpp"
#include "fakes/docker/engine/container.hpp"
#include "fakes/docker/api/docker_api.hpp"
#include "fakes/docker/engine/engine.hpp"
#include "fakes/docker/engine/event_log.hpp"
#include "fakes/docker/engine/image_catalog.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace fakes::http {
class Server;
}

namespace fakes::docker {

struct FakeDockerOptions {
  std::string socket_path;   // "" = no unix listener
  std::string tcp_host;      // "" = no TCP listener
  std::uint16_t tcp_port = 0;  // 0 = any free port
  ApiVersion api_version{1, 47};
  ApiVersion min_api_version{1, 24};
  std::uint64_t seed = 1;
  int bridge_octet = 17;  // --bridge-subnet 172.N.0.0/16: the default bridge's N
  ImageCatalog images;
  std::size_t event_history = 256;
  Clock clock = system_clock();
  std::size_t body_limit = 1 << 20;
  std::size_t request_log_limit = 10000;  // the request journal keeps the latest this many
  std::vector<RestoredContainer> state;  // --state: containers of a real host's snapshot
};

struct RestartOptions {
  bool live_restore = false;                  // keep running containers running
  std::chrono::milliseconds downtime{0};      // how long the socket stays gone
};

class FakeDocker {
 public:
  explicit FakeDocker(FakeDockerOptions options);
  /// A simulated host on a loop that several hosts share (one process, many engines): start()
  /// only listens, the owner runs `shared_io` on its own thread, and stop() must be called while
  /// that thread still runs it.
  FakeDocker(FakeDockerOptions options, boost::asio::io_context& shared_io);
  ~FakeDocker();
  FakeDocker(const FakeDocker&) = delete;
  FakeDocker& operator=(const FakeDocker&) = delete;

  /// Binds the listeners and starts the io thread; throws std::runtime_error if binding fails.
  void start();
  /// Closes listeners and connections, removes the socket file, joins the io thread.
  void stop();

  const std::string& socket_path() const { return options_.socket_path; }
  /// The bound TCP port (after start), 0 without a TCP listener.
  std::uint16_t tcp_port() const { return tcp_port_; }

  // ---- control API (thread-safe) ----
  /// The container's process ends by itself with this exit code (die event; no kill/stop).
  void exit_container(const std::string& ref, int exit_code);
  /// How the process reacts to SIGTERM: exit with this code, or ignore it (stop then needs
  /// the timeout's SIGKILL, exit code 137).
  void set_term_behaviour(const std::string& ref, TermBehaviour behaviour);
  /// "starting" | "healthy" | "unhealthy"; emits health_status events.
  void set_health(const std::string& ref, const std::string& status);
  /// The running process prints `text` (one log entry per line); 409 when it does not run.
  void print(const std::string& ref, OutputStream stream, const std::string& text);
  /// From now on exec `cmd` in this container answers `result`.
  void script_exec(const std::string& ref, const std::vector<std::string>& cmd, ExecResult result);
  /// Cuts every open /events stream mid-way.
  void drop_event_streams();
  /// Simulates a dockerd restart: connections drop, the socket disappears for `downtime`,
  /// the event history is lost; containers survive only with live_restore. Returns once the
  /// new "daemon" listens again.
  void restart_daemon(RestartOptions options = {});
  std::vector<RequestRecord> request_log() const;
  void clear_request_log();
  std::optional<Container> container(const std::string& ref) const;
  std::vector<Event> events() const;
  /// What could not be restored exactly from options.state (an address outside its subnet, ...).
  const std::vector<std::string>& restore_notes() const { return restore_notes_; }
  std::size_t event_stream_count() const;
  /// `POST /containers/{id}/wait` requests not answered yet.
  std::size_t exit_waiter_count() const;
  /// Open `logs?follow=1` and attach streams.
  std::size_t output_follower_count() const;

  /// Runs f on the io thread and returns its result (rethrowing its exception).
  template <class F>
  auto on_io(F f) const -> decltype(f()) {
    // Inline on the io thread, and when no io thread runs (before start / after stop).
    // Also inline on a shared loop that is no longer run (a host destroyed after the owner stopped it).
    if (io_.get_executor().running_in_this_thread() || !running_ || io_.stopped()) return f();
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

 private:
  void init();
  void listen();
  void handle_control(const fakes::http::ExchangePtr& ex, const fakes::http::Target& target);
  void restart_on_io(RestartOptions options, std::function<void()> done);

  FakeDockerOptions options_;
  std::unique_ptr<boost::asio::io_context> owned_io_;  // null on a shared loop
  boost::asio::io_context& io_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<DockerApi> api_;
  std::unique_ptr<fakes::http::Server> server_;
  std::uint16_t tcp_port_ = 0;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::vector<std::string> restore_notes_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<boost::asio::steady_timer> restart_timer_;
};

}  // namespace fakes::docker
