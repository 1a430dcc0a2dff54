// The agent's side of checks: status reports (pass/warn/fail, the control API), TTL expiry
// and Consul's CriticalTime bookkeeping that drives the critical-service reaper.
#include "fakes/consul/state/catalog.hpp"

#include <algorithm>

namespace fakes::consul {

namespace {

std::string ttl_expired_output(const std::string& last_output) {
  return last_output.empty() ? "TTL expired" : "TTL expired (last output before timeout follows): " + last_output;
}

}  // namespace

CheckUpdate Catalog::update_ttl_check(const std::string& datacenter, const std::string& node_name,
                                      const std::string& check_id, HealthStatus status, const std::string& output) {
  CheckUpdate result = CheckUpdate::unknown_check;
  edit_check(datacenter, node_name, check_id, [&](Node& node, Check& c, std::uint64_t index) {
    if (!c.ttl) {
      result = CheckUpdate::not_ttl;
      return Edit::unchanged;
    }
    result = CheckUpdate::updated;
    return report_status(node, c, status, output, index);
  });
  return result;
}

bool Catalog::set_check_status(const std::string& datacenter, const std::string& node_name,
                               const std::string& check_id, HealthStatus status, const std::string& output) {
  return edit_check(datacenter, node_name, check_id, [&](Node& node, Check& c, std::uint64_t index) {
           return report_status(node, c, status, output, index);
         }) != Edit::missing;
}

Catalog::Edit Catalog::report_status(const Node& node, Check& c, HealthStatus status, const std::string& output,
                                     std::uint64_t index) {
  arm_ttl(c);
  c.agent.ttl_last_output = output;
  note_status_update(c, status);  // also for an unchanged status, as Consul's UpdateCheck
  if (c.status == status && c.output == output) return Edit::unchanged;  // a heartbeat: the index stays
  c.status = status;
  c.output = output;
  c.raft.modify_index = index;
  touch_check_owner(node, c, index);
  return Edit::changed;
}

void Catalog::arm_ttl(Check& c) const {
  if (!c.ttl) return;
  c.agent.ttl_deadline = clock_.now() + *c.ttl;
  c.agent.ttl_armed = true;
}

void Catalog::note_status_update(Check& c, HealthStatus status) const {
  if (status != HealthStatus::critical) c.agent.critical_since.reset();
  else if (!c.agent.critical_since) c.agent.critical_since = clock_.now();
}

void Catalog::start_registered_critical_time(Check& c) const {
  // A registered check has no CriticalTime until its first status update. A TTL check gets
  // that when its timer runs out (or from pass/warn/fail); every other kind would be probed
  // right away, so the fake, which probes few of them, lets registration stand in for it.
  c.agent.critical_since.reset();
  if (!c.ttl) note_status_update(c, c.status);
}

std::size_t Catalog::expire_ttl_checks() {
  const auto now = clock_.now();
  std::size_t changed = 0;
  const std::uint64_t index = index_ + 1;
  for (auto& [dc, nodes] : datacenters_)
    for (auto& [name, node] : nodes)
      for (auto& [id, c] : node.checks) {
        if (!c.ttl || !c.agent.ttl_armed || c.agent.ttl_deadline > now) continue;
        // Fires once per arming, also on a check that is already critical (after a fail).
        c.agent.ttl_armed = false;
        note_status_update(c, HealthStatus::critical);
        // Consul keeps the last output after this prefix so operators see what it said last.
        std::string output = ttl_expired_output(c.agent.ttl_last_output);
        if (c.status == HealthStatus::critical && c.output == output) continue;
        c.output = std::move(output);
        c.status = HealthStatus::critical;
        c.raft.modify_index = index;
        touch_check_owner(node, c, index);
        ++changed;
      }
  if (changed) commit();
  return changed;
}

std::optional<Clock::time_point> Catalog::next_ttl_deadline() const {
  std::optional<Clock::time_point> next;
  for (const auto& [dc, nodes] : datacenters_)
    for (const auto& [name, node] : nodes)
      for (const auto& [id, c] : node.checks)
        if (c.ttl && c.agent.ttl_armed && (!next || c.agent.ttl_deadline < *next)) next = c.agent.ttl_deadline;
  return next;
}

std::size_t Catalog::reap_critical_services() {
  const auto now = clock_.now();
  struct Doomed {
    std::string datacenter, node, service_id;
  };
  std::vector<Doomed> doomed;
  for (const auto& [dc, nodes] : datacenters_)
    for (const auto& [name, node] : nodes)
      for (const auto& [id, c] : node.checks)
        if (auto due = reap_due(c); due && now >= *due)
          doomed.push_back({dc, name, c.service_id});
  std::size_t removed = 0;
  for (const auto& d : doomed) removed += deregister_service(d.datacenter, d.node, d.service_id) ? 1 : 0;
  return removed;
}

std::optional<Clock::time_point> Catalog::reap_due(const Check& c) const {
  if (c.deregister_critical_after.count() <= 0 || c.service_id.empty() || c.status != HealthStatus::critical ||
      !c.agent.critical_since)
    return std::nullopt;
  return *c.agent.critical_since + std::max(c.deregister_critical_after, deregister_critical_min_);
}

std::optional<Clock::time_point> Catalog::next_reap_deadline() const {
  std::optional<Clock::time_point> next;
  for (const auto& [dc, nodes] : datacenters_)
    for (const auto& [name, node] : nodes)
      for (const auto& [id, c] : node.checks)
        if (auto due = reap_due(c); due && (!next || *due < *next)) next = due;
  return next;
}

}  // namespace fakes::consul
