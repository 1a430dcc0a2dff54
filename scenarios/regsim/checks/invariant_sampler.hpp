#pragma once
// Polls the catalog and every host's running containers in the background while the steps run
// (every 100 ms) and feeds an InvariantJudge. Polls that cannot read Consul or a host's Docker
// (a restart step is under way) are skipped rather than judged.

#include "scenarios/regsim/peers/docker_control.hpp"
#include "scenarios/regsim/checks/invariant_judge.hpp"

#include "fakes/common/http/client.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace regsim {

class InvariantSampler {
 public:
  /// `consuls`: every datacenter's HTTP API (a poll reads them all).
  InvariantSampler(const Scenario& scenario, std::vector<fakes::http::Endpoint> consuls,
                   std::map<std::string, DockerControl> dockers);
  ~InvariantSampler();
  InvariantSampler(const InvariantSampler&) = delete;
  InvariantSampler& operator=(const InvariantSampler&) = delete;

  /// Stops polling (after one last poll) and returns the verdicts. Idempotent.
  std::vector<InvariantJudge::Verdict> finish();

 private:
  void run();
  void poll();

  std::vector<fakes::http::Endpoint> consuls_;
  std::map<std::string, DockerControl> dockers_;
  InvariantJudge judge_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

/// Every instance of every service in the catalog (GET /v1/catalog/services, then each
/// service); throws ConsulError when Consul does not answer.
std::vector<RegisteredInstance> fetch_registered_instances(const fakes::http::Endpoint& consul);

}  // namespace regsim
