#pragma once
// Inspects a list of containers on a background thread, a bounded window ahead of the consumer,
// so the start-up sync overlaps Docker's inspect round trips with the registry's.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "registrator/docker/docker_client.hpp"

namespace registrator {

class InspectPrefetcher {
 public:
  /// Starts inspecting `ids` in order, half a window per pipelined batch (DockerClient::
  /// inspect_many); at most `window` results wait unconsumed.
  InspectPrefetcher(DockerClient& docker, std::vector<std::string> ids, std::size_t window);
  /// Stops early (unconsumed ids are not inspected) and joins the thread.
  ~InspectPrefetcher();
  InspectPrefetcher(const InspectPrefetcher&) = delete;
  InspectPrefetcher& operator=(const InspectPrefetcher&) = delete;

  /// The result for the next id, in the order given; blocks until it is there.
  Inspected next();

 private:
  void run();

  DockerClient& docker_;
  const std::vector<std::string> ids_;
  const std::size_t window_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Inspected> ready_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace registrator
