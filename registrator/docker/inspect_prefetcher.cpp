#include "registrator/docker/inspect_prefetcher.hpp"

#include <algorithm>

namespace registrator {

InspectPrefetcher::InspectPrefetcher(DockerClient& docker, std::vector<std::string> ids, std::size_t window)
    : docker_(docker), ids_(std::move(ids)), window_(window == 0 ? 1 : window) {
  if (!ids_.empty()) thread_ = std::thread([this] { run(); });
}

InspectPrefetcher::~InspectPrefetcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void InspectPrefetcher::run() {
  // A batch is one pipelined exchange with Docker and one hand-off to the consumer; it starts
  // once there is room for all of it, so the window bounds what waits unconsumed.
  const std::size_t batch = std::max<std::size_t>(1, window_ / 2);
  for (std::size_t from = 0; from < ids_.size();) {
    const std::size_t n = std::min(batch, ids_.size() - from);
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || ready_.size() + n <= window_; });
      if (stopping_) return;
    }
    std::vector<std::string> ids(ids_.begin() + static_cast<long>(from), ids_.begin() + static_cast<long>(from + n));
    auto results = docker_.inspect_many(ids);
    from += n;
    {
      std::lock_guard lock(mu_);
      for (auto& r : results) ready_.push_back(std::move(r));
    }
    cv_.notify_all();
  }
}

Inspected InspectPrefetcher::next() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !ready_.empty(); });
  Inspected out = std::move(ready_.front());
  ready_.pop_front();
  lock.unlock();
  cv_.notify_all();
  return out;
}

}  // namespace registrator
