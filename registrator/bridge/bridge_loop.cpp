#include "registrator/bridge/bridge_loop.hpp"

#include <algorithm>
#include <chrono>

namespace registrator {

void run_bridge_loop(Bridge& bridge, EventQueue<PumpItem>& queue, const Config& config) {
  using Clock = std::chrono::steady_clock;
  auto next_resync = config.resync > 0 ? Clock::now() + std::chrono::seconds(config.resync) : Clock::time_point::max();
  auto next_refresh =
      config.ttl_refresh > 0 ? Clock::now() + std::chrono::seconds(config.ttl_refresh) : Clock::time_point::max();
  while (!queue.closed()) {
    auto deadline = std::min({next_resync, next_refresh, Clock::now() + std::chrono::hours(1)});
    // Failed registrations/deregistrations are retried with back-off (Bridge::retry_pending).
    if (auto retry = bridge.next_retry()) deadline = std::min(deadline, *retry);
    auto item = queue.pop_until(deadline);
    if (queue.closed()) break;
    if (item) {
      if (item->kind == PumpItem::Kind::Resync) {
        bridge.reconcile();
      } else {
        bridge.handle_event(item->event);
      }
    }
    bridge.retry_pending();
    auto now = Clock::now();
    if (now >= next_resync) {
      bridge.sync(true);
      next_resync = now + std::chrono::seconds(config.resync);
    }
    if (now >= next_refresh) {
      bridge.refresh();
      next_refresh = now + std::chrono::seconds(config.ttl_refresh);
    }
  }
}

}  // namespace registrator
