#pragma once
// The timed half of `docker stop` / `docker restart`: TERM first; if the fake process ignores
// it, KILL after the timeout (t seconds; default 10; -1 waits for an exit). The request is
// answered only when the container is down, as on the engine.

#include "fakes/docker/engine/engine.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace fakes::docker {

class StopSequences {
 public:
  StopSequences(boost::asio::io_context& io, Engine& engine) : io_(io), engine_(engine) {}
  ~StopSequences();

  /// Throws DockerError (404, 304) before anything happens; otherwise calls done() once the
  /// container has stopped (the "stop" event has been emitted).
  void stop(const std::string& ref, int timeout_seconds, std::function<void()> done);
  /// Forgets every pending stop without answering (daemon restart drops the connections).
  void cancel_all();

 private:
  struct Pending;
  void complete(std::uint64_t key);

  boost::asio::io_context& io_;
  Engine& engine_;
  std::map<std::uint64_t, std::shared_ptr<Pending>> pending_;
  std::uint64_t next_key_ = 1;
};

}  // namespace fakes::docker
