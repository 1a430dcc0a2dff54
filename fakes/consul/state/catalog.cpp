#include "fakes/consul/state/catalog.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace fakes::consul {

namespace {


// A UUID-shaped node ID that stays the same for the same node name (FNV-1a, two seeds), so
// dumps from different runs compare equal.
std::string node_uuid(std::string_view name) {
  auto fnv = [&](std::uint64_t h) {
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
    return h;
  };
  std::uint64_t a = fnv(14695981039346656037ull), b = fnv(0x9e3779b97f4a7c15ull);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

std::string ttl_expired_output(const std::string& last_output) {
  return last_output.empty() ? "TTL expired" : "TTL expired (last output before timeout follows): " + last_output;
}

bool has_all_tags(const Service& s, const std::vector<std::string>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
    return std::any_of(s.tags.begin(), s.tags.end(), [&](const std::string& t) { return iequals(t, w); });
  });
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

HealthStatus worst_status(const std::vector<const Check*>& checks) {
  HealthStatus worst = HealthStatus::passing;
  for (const Check* c : checks) worst = std::max(worst, c->status);
  return worst;
}

Catalog::Catalog(const Clock& clock, std::string local_datacenter)
    : clock_(clock), local_datacenter_(std::move(local_datacenter)), kv_(*this) {}

std::uint64_t Catalog::commit() {
  ++index_;
  if (listener_) listener_();
  return index_;
}

std::uint64_t Catalog::service_index(std::string_view name) const {
  auto it = service_index_.find(to_lower(name));
  if (it != service_index_.end()) return it->second.index;
  return service_extinction_index_ != 0 ? service_extinction_index_ : index_;
}

void Catalog::touch_service(std::string_view name, std::uint64_t index) {
  // Only names with instances are indexed (count_service_added comes first).
  if (auto it = service_index_.find(to_lower(name)); it != service_index_.end()) it->second.index = index;
}

void Catalog::count_service_added(std::string_view name) { ++service_index_[to_lower(name)].instances; }

void Catalog::count_service_removed(std::string_view name, std::uint64_t index) {
  auto it = service_index_.find(to_lower(name));
  if (it == service_index_.end()) return;
  if (it->second.instances > 1) {
    --it->second.instances;
    return;
  }
  service_index_.erase(it);
  service_extinction_index_ = index;
}

void Catalog::touch_check_owner(const Node& node, const Check& check, std::uint64_t index) {
  if (check.service_id.empty()) touch_node_services(node, index);  // a node check affects all its services
  else touch_service(check.service_name, index);
}

void Catalog::touch_node_services(const Node& node, std::uint64_t index) {
  for (const auto& [id, s] : node.services) touch_service(s.name, index);
}

Node* Catalog::mutable_node(const std::string& datacenter, const std::string& name) {
  auto dc = datacenters_.find(datacenter);
  if (dc == datacenters_.end()) return nullptr;
  auto it = dc->second.find(name);
  return it == dc->second.end() ? nullptr : &it->second;
}

const Node& Catalog::upsert_node(const std::string& datacenter, const std::string& name, const std::string& address,
                                 std::map<std::string, std::string> meta) {
  if (Node* existing = mutable_node(datacenter, name)) {
    if (existing->address != address || existing->meta != meta) {
      existing->address = address;
      existing->meta = std::move(meta);
      existing->raft.modify_index = index_ + 1;
      touch_node_services(*existing, index_ + 1);
      commit();
    }
    return *existing;
  }
  const std::uint64_t index = index_ + 1;
  Node node;
  node.id = node_uuid(name);
  node.name = name;
  node.address = address;
  node.datacenter = datacenter;
  node.meta = std::move(meta);
  node.raft = {index, index};
  // Every agent node carries Serf's liveness check; it shows up in /v1/health/service.
  Check serf;
  serf.id = kSerfCheckId;
  serf.name = "Serf Health Status";
  serf.status = HealthStatus::passing;
  serf.output = "Agent alive and reachable";
  serf.raft = {index, index};
  node.checks.emplace(serf.id, std::move(serf));
  auto& stored = datacenters_[datacenter].emplace(name, std::move(node)).first->second;
  commit();
  return stored;
}

bool Catalog::remove_node(const std::string& datacenter, const std::string& name) {
  auto dc = datacenters_.find(datacenter);
  if (dc == datacenters_.end()) return false;
  auto it = dc->second.find(name);
  if (it == dc->second.end()) return false;
  touch_node_services(it->second, index_ + 1);
  for (const auto& [id, s] : it->second.services) count_service_removed(s.name, index_ + 1);
  dc->second.erase(it);
  commit();
  return true;
}

Check Catalog::make_service_check(const Service& service, const CheckDefinition& def, std::size_t position,
                                  std::size_t count) const {
  Check c;
  c.id = def.id;
  if (c.id.empty()) {
    c.id = "service:" + service.id;
    if (count > 1) c.id += ":" + std::to_string(position + 1);
  }
  c.name = def.name.empty() ? "Service '" + service.name + "' check" : def.name;
  c.status = def.status.value_or(HealthStatus::critical);
  c.notes = def.notes;
  c.service_id = service.id;
  c.service_name = service.name;
  c.service_tags = service.tags;
  c.type = def.type;
  c.ttl = def.ttl;
  arm_ttl(c);
  c.interval = def.interval;
  c.timeout = def.timeout;
  c.target = def.target;
  c.args = def.args;
  c.http_method = def.http_method;
  c.http_headers = def.http_headers;
  c.http_body = def.http_body;
  c.tls_server_name = def.tls_server_name;
  c.tls_skip_verify = def.tls_skip_verify;
  c.grpc_use_tls = def.grpc_use_tls;
  c.deregister_critical_after = def.deregister_critical_after;
  start_registered_critical_time(c);
  return c;
}

bool Catalog::register_service(const std::string& datacenter, const std::string& node_name, ServiceRegistration reg) {
  Node* node = mutable_node(datacenter, node_name);
  if (!node) return false;
  Service service = std::move(reg.service);
  if (service.id.empty()) service.id = service.name;
  if (!service.from_catalog_api) forget_stashed_service(datacenter, node_name, service.id);

  // Build the service's new check set; existing checks keep status and output, even against
  // a Status in the request (Consul's addServiceInternal restores them from its check-state
  // snapshot). The agent-side state starts afresh: a new TTL timer, no CriticalTime.
  std::map<std::string, Check> new_checks;
  for (std::size_t i = 0; i < reg.checks.size(); ++i) {
    Check c = make_service_check(service, reg.checks[i], i, reg.checks.size());
    if (auto old = node->checks.find(c.id); old != node->checks.end()) {
      c.status = old->second.status;
      c.output = old->second.output;
      c.raft = old->second.raft;
      start_registered_critical_time(c);
    }
    new_checks[c.id] = std::move(c);
  }
  std::vector<std::string> dropped_checks;
  for (const auto& [id, c] : node->checks)
    if (c.service_id == service.id && !new_checks.count(id) && reg.replace_existing_checks) dropped_checks.push_back(id);

  auto existing = node->services.find(service.id);
  if (existing != node->services.end()) {
    service.raft = existing->second.raft;
    bool unchanged = existing->second == service && dropped_checks.empty();
    for (const auto& [id, c] : new_checks) {
      auto old = node->checks.find(id);
      unchanged = unchanged && old != node->checks.end() && old->second == c;
    }
    if (unchanged) {  // no catalog write, but the agent re-armed its timers
      for (auto& [id, c] : new_checks) node->checks[id].agent = c.agent;
      return true;
    }
  }

  const std::uint64_t index = index_ + 1;
  if (existing != node->services.end()) {
    if (!iequals(existing->second.name, service.name)) {
      touch_service(existing->second.name, index);
      count_service_removed(existing->second.name, index);
      count_service_added(service.name);
    }
    service.raft.modify_index = index;
  } else {
    service.raft = {index, index};
    count_service_added(service.name);
  }
  for (auto& [id, c] : new_checks) {
    auto old = node->checks.find(id);
    if (old == node->checks.end()) {
      c.raft = {index, index};
    } else if (!(old->second == c)) {
      c.raft.modify_index = index;
    }
    node->checks[id] = std::move(c);
  }
  for (const auto& id : dropped_checks) node->checks.erase(id);
  touch_service(service.name, index);
  node->services[service.id] = std::move(service);
  commit();
  return true;
}

bool Catalog::deregister_service(const std::string& datacenter, const std::string& node_name,
                                 const std::string& service_id) {
  Node* node = mutable_node(datacenter, node_name);
  if (!node) return false;
  // A service the catalog API removed is still the agent's until the agent deregisters it.
  const bool was_stashed = forget_stashed_service(datacenter, node_name, service_id);
  auto it = node->services.find(service_id);
  if (it == node->services.end()) return was_stashed;
  touch_service(it->second.name, index_ + 1);
  count_service_removed(it->second.name, index_ + 1);
  std::erase_if(node->checks, [&](const auto& kv) { return kv.second.service_id == service_id; });
  node->services.erase(it);
  commit();
  return true;
}

bool Catalog::register_check(const std::string& datacenter, const std::string& node_name, const CheckDefinition& def,
                             const std::string& service_id) {
  Node* node = mutable_node(datacenter, node_name);
  if (!node) return false;
  Service node_level;  // stands in for "no service" when building a node check
  const Service* service = &node_level;
  if (!service_id.empty()) {
    auto it = node->services.find(service_id);
    if (it == node->services.end()) return false;
    service = &it->second;
  }
  Check c = make_service_check(*service, def, 0, 1);
  forget_stashed_check(datacenter, node_name, c.id);
  if (service_id.empty()) {
    c.service_id.clear();
    c.service_name.clear();
    c.service_tags.clear();
  }
  const std::uint64_t index = index_ + 1;
  if (auto old = node->checks.find(c.id); old != node->checks.end()) {
    // Consul's addCheckLocked snapshots the existing check and restores its status and output
    // after the re-registration, whatever Status the request carried; that restore is an
    // UpdateCheck on fresh state, so a critical check's CriticalTime restarts now.
    c.status = old->second.status;
    c.output = old->second.output;
    c.agent.critical_since.reset();
    note_status_update(c, c.status);
    c.raft = {old->second.raft.create_index, index};
  } else {
    c.raft = {index, index};
  }
  touch_check_owner(*node, c, index);
  node->checks[c.id] = std::move(c);
  commit();
  return true;
}

bool Catalog::deregister_check(const std::string& datacenter, const std::string& node_name,
                               const std::string& check_id) {
  Node* node = mutable_node(datacenter, node_name);
  if (!node) return false;
  const bool was_stashed = forget_stashed_check(datacenter, node_name, check_id);
  auto it = node->checks.find(check_id);
  if (it == node->checks.end()) return was_stashed;
  const std::uint64_t index = index_ + 1;
  touch_check_owner(*node, it->second, index);
  node->checks.erase(it);
  commit();
  return true;
}

std::size_t Catalog::deregister_all_services(const std::string& datacenter, const std::string& node_name) {
  Node* node = mutable_node(datacenter, node_name);
  stash_.erase({datacenter, node_name});  // the agent forgot them too
  if (!node || node->services.empty()) return 0;
  const std::size_t count = node->services.size();
  touch_node_services(*node, index_ + 1);
  for (const auto& [id, s] : node->services) count_service_removed(s.name, index_ + 1);
  std::erase_if(node->checks, [](const auto& kv) { return !kv.second.service_id.empty(); });
  node->services.clear();
  commit();
  return count;
}

CheckUpdate Catalog::update_ttl_check(const std::string& datacenter, const std::string& node_name,
                                      const std::string& check_id, HealthStatus status, const std::string& output) {
  Node* node = mutable_node(datacenter, node_name);
  if (!node) return CheckUpdate::unknown_check;
  auto it = node->checks.find(check_id);
  if (it == node->checks.end()) return CheckUpdate::unknown_check;
  Check& c = it->second;
  if (!c.ttl) return CheckUpdate::not_ttl;
  arm_ttl(c);
  c.agent.ttl_last_output = output;
  apply_check_status(*node, c, status, output);  // an unchanged status is a heartbeat only
  return CheckUpdate::updated;
}

bool Catalog::set_check_status(const std::string& datacenter, const std::string& node_name,
                               const std::string& check_id, HealthStatus status, const std::string& output) {
  Node* node = mutable_node(datacenter, node_name);
  if (!node) return false;
  auto it = node->checks.find(check_id);
  if (it == node->checks.end()) return false;
  Check& c = it->second;
  arm_ttl(c);
  c.agent.ttl_last_output = output;
  apply_check_status(*node, c, status, output);
  return true;
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

void Catalog::apply_check_status(const Node& node, Check& c, HealthStatus status, const std::string& output) {
  note_status_update(c, status);  // also for an unchanged status, as Consul's UpdateCheck
  if (c.status == status && c.output == output) return;  // no write: the index stays
  c.status = status;
  c.output = output;
  c.raft.modify_index = index_ + 1;
  touch_check_owner(node, c, index_ + 1);
  commit();
}

bool Catalog::set_service_maintenance(const std::string& datacenter, const std::string& node_name,
                                      const std::string& service_id, bool enable, const std::string& reason) {
  Node* node = mutable_node(datacenter, node_name);
  if (!node) return false;
  auto service = node->services.find(service_id);
  if (service == node->services.end()) return false;
  const std::string check_id = "_service_maintenance:" + service_id;
  const bool present = node->checks.count(check_id) != 0;
  if (enable == present) return true;
  const std::uint64_t index = index_ + 1;
  if (enable) {
    Check c;
    c.id = check_id;
    c.name = "Service Maintenance Mode";
    c.status = HealthStatus::critical;
    c.notes = reason.empty() ? "Maintenance mode is enabled for this service, but no reason was provided. This is a "
                               "default message."
                             : reason;
    c.service_id = service_id;
    c.service_name = service->second.name;
    c.service_tags = service->second.tags;
    c.type = "maintenance";
    c.raft = {index, index};
    node->checks.emplace(check_id, std::move(c));
  } else {
    node->checks.erase(check_id);
  }
  touch_service(service->second.name, index);
  commit();
  return true;
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

bool Catalog::set_node_maintenance(const std::string& datacenter, const std::string& node_name, bool enable,
                                   const std::string& reason) {
  Node* node = mutable_node(datacenter, node_name);
  if (!node) return false;
  const std::string check_id = "_node_maintenance";
  if (enable == (node->checks.count(check_id) != 0)) return true;
  const std::uint64_t index = index_ + 1;
  if (enable) {
    Check c;
    c.id = check_id;
    c.name = "Node Maintenance Mode";
    c.status = HealthStatus::critical;
    c.notes = reason.empty() ? "Maintenance mode is enabled for this node, but no reason was provided. This is a "
                               "default message."
                             : reason;
    c.type = "maintenance";
    c.raft = {index, index};
    node->checks.emplace(check_id, std::move(c));
  } else {
    node->checks.erase(check_id);
  }
  touch_node_services(*node, index);
  commit();
  return true;
}

std::vector<std::string> Catalog::datacenters() const {
  std::set<std::string> names{local_datacenter_};
  for (const auto& [dc, nodes] : datacenters_) names.insert(dc);
  return {names.begin(), names.end()};
}

bool Catalog::has_datacenter(std::string_view datacenter) const {
  if (iequals(datacenter, local_datacenter_)) return true;
  return std::any_of(datacenters_.begin(), datacenters_.end(), [&](const auto& kv) { return iequals(kv.first, datacenter); });
}

const Node* Catalog::find_node(std::string_view datacenter, std::string_view name) const {
  for (const auto& [dc, nodes] : datacenters_) {
    if (!iequals(dc, datacenter)) continue;
    for (const auto& [n, node] : nodes)
      if (iequals(n, name)) return &node;
  }
  return nullptr;
}

std::vector<const Node*> Catalog::nodes(std::string_view datacenter) const {
  std::vector<const Node*> out;
  for (const auto& [dc, nodes] : datacenters_)
    if (iequals(dc, datacenter))
      for (const auto& [n, node] : nodes) out.push_back(&node);
  return out;
}

std::vector<ServiceInstanceRef> Catalog::service_instances(std::string_view datacenter, std::string_view name,
                                                           const std::vector<std::string>& tags) const {
  std::vector<ServiceInstanceRef> out;
  for (const Node* node : nodes(datacenter))
    for (const auto& [id, s] : node->services)
      if (iequals(s.name, name) && has_all_tags(s, tags)) out.push_back({node, &s});
  return out;
}

std::map<std::string, std::vector<std::string>> Catalog::service_tags(std::string_view datacenter) const {
  std::map<std::string, std::set<std::string>> merged;
  for (const Node* node : nodes(datacenter))
    for (const auto& [id, s] : node->services) merged[s.name].insert(s.tags.begin(), s.tags.end());
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [name, tags] : merged) out[name] = {tags.begin(), tags.end()};
  return out;
}

std::vector<const Check*> Catalog::instance_checks(const Node& node, const Service& service) const {
  std::vector<const Check*> out;
  for (const auto& [id, c] : node.checks)
    if (c.service_id.empty()) out.push_back(&c);
  for (const auto& [id, c] : node.checks)
    if (c.service_id == service.id) out.push_back(&c);
  return out;
}

std::vector<std::pair<const Node*, const Check*>> Catalog::service_checks(std::string_view datacenter,
                                                                          std::string_view name) const {
  std::vector<std::pair<const Node*, const Check*>> out;
  for (const Node* node : nodes(datacenter))
    for (const auto& [id, c] : node->checks)
      if (!c.service_id.empty() && iequals(c.service_name, name)) out.emplace_back(node, &c);
  return out;
}

std::vector<std::pair<const Node*, const Check*>> Catalog::all_checks(std::string_view datacenter) const {
  std::vector<std::pair<const Node*, const Check*>> out;
  for (const Node* node : nodes(datacenter))
    for (const auto& [id, c] : node->checks) out.emplace_back(node, &c);
  return out;
}

}  // namespace fakes::consul
