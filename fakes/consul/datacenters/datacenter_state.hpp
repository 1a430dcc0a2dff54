#pragma once
// One datacenter of the fake: its own catalog (health and KV included) with its own index,
// the blocking queries parked on it, its rendered answers, and the timer that expires its
// TTL checks and TTL sessions and reaps its critical services. A process holds one per --agent
// datacenter; requests with ?dc= reach the others as Consul forwards them to a remote
// datacenter's servers.

#include "fakes/consul/endpoints/api_call.hpp"
#include "fakes/consul/responses/blocking_queries.hpp"
#include "fakes/consul/responses/rendered_reads.hpp"
#include "fakes/consul/state/agent_config.hpp"
#include "fakes/consul/state/catalog.hpp"
#include "fakes/consul/state/clock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace fakes::consul {

struct DatacenterTiming {
  /// False when the clock is a test's manual one: expiry then waits for expire_ttl_checks().
  bool timer_driven = true;
  std::chrono::milliseconds reap_interval{0};
  std::chrono::milliseconds deregister_critical_min{0};
};

class DatacenterState {
 public:
  /// `servers` answers requests forwarded here (its datacenter is this one's name).
  DatacenterState(boost::asio::io_context& io, const Clock& clock, AgentConfig servers, DatacenterTiming timing);
  DatacenterState(const DatacenterState&) = delete;
  DatacenterState& operator=(const DatacenterState&) = delete;

  const std::string& name() const { return servers_.datacenter; }
  /// Also called after every catalog change, after the datacenter's own bookkeeping.
  void set_after_change(std::function<void()> f) { after_change_ = std::move(f); }
  /// The context that serves requests forwarded to this datacenter.
  ApiContext& server_context() { return context_; }
  /// Expires TTL checks and TTL sessions and reaps critical services now; returns how many
  /// checks expired.
  std::size_t expire_now();
  void stop();

  Catalog catalog;
  BlockingQueries blocking;
  RenderedReads rendered;

 private:
  void changed();
  // With the steady clock, wake exactly when the earliest TTL runs out or the earliest
  // DeregisterCriticalServiceAfter is due.
  void arm_timer();

  AgentConfig servers_;
  DatacenterTiming timing_;
  ApiContext context_;
  boost::asio::steady_timer timer_;
  std::optional<Clock::time_point> armed_for_;
  Clock::time_point reaper_start_;  // the reaper runs at reaper_start_ + k * reap_interval
  std::function<void()> after_change_;
  bool stopped_ = false;
};

}  // namespace fakes::consul
