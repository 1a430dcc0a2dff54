#pragma once
// POST /containers/{id}/wait: the header goes out at once (the CLI relies on that), the body
// {"StatusCode":N,"Error":null} when the condition is met: not-running (default), next-exit,
// removed.

#include "fakes/docker/engine/engine.hpp"
#include "fakes/docker/json/json_views.hpp"

#include "fakes/common/http/server.hpp"

#include <map>
#include <memory>

namespace fakes::docker {

class ExitWaiters {
 public:
  explicit ExitWaiters(Engine& engine) : engine_(engine) {}
  ~ExitWaiters();

  /// Throws DockerError (404, 400 for an unknown condition) before the stream starts.
  void wait(const fakes::http::ExchangePtr& ex, const std::string& ref, const std::string& condition,
            const ServerIdentity& server);
  std::size_t waiting_count() const { return subscriptions_.size(); }

 private:
  void release(std::uint64_t key);
  Engine& engine_;
  struct Waiter {
    fakes::http::ExchangePtr ex;  // held here: the server ends an exchange nobody holds
    std::uint64_t subscription = 0;
  };
  std::map<std::uint64_t, Waiter> subscriptions_;
  std::uint64_t next_key_ = 1;
  // Close callbacks run on a later turn of the loop, perhaps after this object is gone.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace fakes::docker
