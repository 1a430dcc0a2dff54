#include "fakes/consul/datacenters/datacenter_state.hpp"

#include "fakes/consul/state/reaper_schedule.hpp"

namespace fakes::consul {

DatacenterState::DatacenterState(boost::asio::io_context& io, const Clock& clock, AgentConfig servers,
                                 DatacenterTiming timing)
    : catalog(clock, servers.datacenter),
      blocking(io),
      servers_(std::move(servers)),
      timing_(timing),
      context_{catalog, servers_, blocking, rendered},
      timer_(io),
      reaper_start_(clock.now()) {
  catalog.set_deregister_critical_min(timing_.deregister_critical_min);
  catalog.set_change_listener([this] { changed(); });
}

void DatacenterState::changed() {
  blocking.notify_change();
  arm_timer();
  if (after_change_ && !stopped_) after_change_();
}

void DatacenterState::arm_timer() {
  if (!timing_.timer_driven || stopped_) return;
  auto next = catalog.next_ttl_deadline();
  if (auto session = catalog.next_session_deadline(); session && (!next || *session < *next)) next = session;
  if (auto due = catalog.next_reap_deadline()) {
    const auto reap = next_reaper_run(reaper_start_, timing_.reap_interval, *due);
    if (!next || reap < *next) next = reap;
  }
  if (!next) {
    timer_.cancel();
    return;
  }
  if (armed_for_ == next) return;
  armed_for_ = next;
  timer_.expires_at(*next);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    armed_for_.reset();
    catalog.expire_ttl_checks();
    catalog.expire_sessions();
    catalog.reap_critical_services();
    // A renewal moves a session's deadline without a write; re-arming covers that too.
    arm_timer();
  });
}

std::size_t DatacenterState::expire_now() {
  const std::size_t n = catalog.expire_ttl_checks();
  catalog.expire_sessions();
  catalog.reap_critical_services();
  return n;
}

void DatacenterState::stop() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  blocking.release_all();
}

}  // namespace fakes::consul
