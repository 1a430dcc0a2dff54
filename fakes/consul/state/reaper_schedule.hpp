#pragma once
// When the agent's critical-service reaper gets to a service. Consul runs the reaper on a
// fixed period (check_reap_interval, 30 s), so a service whose DeregisterCriticalServiceAfter
// ran out waits for the next run; a zero interval stands for "exactly when due".

#include "fakes/consul/state/clock.hpp"

namespace fakes::consul {

/// The first reaper run at or after `due`, for runs at start + k * interval (k >= 1).
inline Clock::time_point next_reaper_run(Clock::time_point start, std::chrono::steady_clock::duration interval, Clock::time_point due) {
  if (interval <= std::chrono::steady_clock::duration::zero()) return due;
  if (due <= start + interval) return start + interval;
  const auto periods = (due - start + interval - std::chrono::steady_clock::duration(1)) / interval;  // rounded up
  return start + periods * interval;
}

}  // namespace fakes::consul
