#include "registrator/inspect_prefetcher.hpp"

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
  for (const auto& id : ids_) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || ready_.size() < window_; });
      if (stopping_) return;
    }
    Inspected result;
    try {
      result.container = docker_.inspect(id);
    } catch (...) {
      result.error = std::current_exception();
    }
    {
      std::lock_guard lock(mu_);
      ready_.push_back(std::move(result));
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
