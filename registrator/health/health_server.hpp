#pragma once
// The liveness endpoint of -health-addr: GET (or HEAD) /health answers 200 and the report as
// JSON while registrator is doing its job, 503 and the reasons otherwise (HealthState). For
// supervisors that cannot send signals or read logs: Docker HEALTHCHECK, Kubernetes, Nomad,
// systemd-less hosts with a watchdog script.
//
// Deliberately small: one thread, blocking sockets with timeouts, one request per connection
// (Connection: close), connections served one after another. A probe is a few hundred bytes
// every few seconds; a client that sends nothing is dropped after kRequestTimeout.
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "registrator/health/health_state.hpp"
#include "registrator/health/listen_address.hpp"

namespace registrator {

class HealthServer {
 public:
  using Handler = std::function<HealthReport()>;
  static constexpr int kRequestTimeoutMs = 2000;

  /// Binds and listens now, so a taken or foreign address fails start-up: throws
  /// std::runtime_error("health: cannot listen on 127.0.0.1:80: Permission denied").
  HealthServer(const ListenAddress& address, Handler handler);
  /// Stops accepting and joins the thread (a request being answered is finished first).
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  /// The bound address, "127.0.0.1:43121": the port the kernel chose when 0 was asked.
  const std::string& address() const { return address_; }

 private:
  void run();
  void serve(int fd);

  Handler handler_;
  std::string address_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: the destructor writes to end run()'s poll()
  std::thread thread_;
};

/// The HTTP response for one request head (pure; the server's whole protocol). `head` is the
/// request line and headers; `report` is called only for GET/HEAD /health.
std::string health_response(std::string_view head, const std::function<HealthReport()>& report);

}  // namespace registrator
