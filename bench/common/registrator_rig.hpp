#pragma once
// The three programs a registrator measurement needs, started from REG_BIN_DIR in a temp dir:
// fake-docker (unix socket), fake-consul (loopback, port 0) and, when asked, the registrator
// binary between them. Shared by the start-up and event benches and the CPU guard
// (tests/bench), so all three measure the same work.
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "registrator/http/http_client.hpp"
#include "tests/support/process/child.hpp"
#include "tests/support/test_helpers.hpp"

namespace bench {

class RegistratorRig {
 public:
  /// Throws std::runtime_error when a fake does not come up within 20 s.
  RegistratorRig(const std::string& tag, int event_history);

  /// Creates containers c<first> .. c<first+count-1>, each with port 80 published on an
  /// ephemeral host port; starts them too when `start`. Throws on any refusal.
  void create(int first, int count, bool start);
  /// Starts container c<index>. Throws on a refusal.
  void start(int index);

  /// Starts the registrator binary with these arguments before the registry URI.
  void start_registrator(const std::vector<std::string>& args);
  /// Blocks (polling, bounded by `timeout`) until the registrator logged it listens for events.
  bool registrator_listening(std::chrono::milliseconds timeout);
  /// Services registered with the fake-consul agent (one GET).
  std::size_t registered();

  pid_t docker_pid() const { return docker_->pid(); }
  pid_t consul_pid() const { return consul_->pid(); }
  pid_t registrator_pid() const { return registrator_ ? registrator_->pid() : -1; }
  void stop_registrator();

  registrator::http::Client& docker() { return *docker_client_; }
  registrator::http::Client& consul() { return *consul_client_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  regtest::TempDir dir_;
  std::string socket_;
  std::string consul_addr_;
  std::unique_ptr<test_support::ChildProcess> docker_, consul_, registrator_;
  std::unique_ptr<registrator::http::Client> docker_client_, consul_client_;
};

}  // namespace bench
