// What an agent registers on its node: services with their checks, node and service checks,
// maintenance mode, and "the agent lost its state". Each write is one edit_node call
// (catalog.hpp) that says only what it changes.
#include "fakes/consul/state/catalog.hpp"

#include <algorithm>

namespace fakes::consul {

namespace {

/// Consul's maintenance check: critical, type "maintenance", with the reason as its notes.
Check maintenance_check(std::string id, std::string name, const std::string& reason, const char* default_notes,
                        std::uint64_t index) {
  Check c;
  c.id = std::move(id);
  c.name = std::move(name);
  c.status = HealthStatus::critical;
  c.notes = reason.empty() ? default_notes : reason;
  c.type = "maintenance";
  c.raft = {index, index};
  return c;
}

}  // namespace

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
  return edit_node(datacenter, node_name, [&](Node& node, std::uint64_t index) {
    Service service = std::move(reg.service);
    if (service.id.empty()) service.id = service.name;
    if (!service.from_catalog_api) forget_stashed_service(datacenter, node_name, service.id);

    // Build the service's new check set; existing checks keep status and output, even against
    // a Status in the request (Consul's addServiceInternal restores them from its check-state
    // snapshot). The agent-side state starts afresh: a new TTL timer, no CriticalTime.
    std::map<std::string, Check> new_checks;
    for (std::size_t i = 0; i < reg.checks.size(); ++i) {
      Check c = make_service_check(service, reg.checks[i], i, reg.checks.size());
      if (auto old = node.checks.find(c.id); old != node.checks.end()) {
        c.status = old->second.status;
        c.output = old->second.output;
        c.raft = old->second.raft;
        start_registered_critical_time(c);
      }
      new_checks[c.id] = std::move(c);
    }
    std::vector<std::string> dropped_checks;
    for (const auto& [id, c] : node.checks)
      if (c.service_id == service.id && !new_checks.count(id) && reg.replace_existing_checks)
        dropped_checks.push_back(id);

    auto existing = node.services.find(service.id);
    if (existing != node.services.end()) {
      service.raft = existing->second.raft;
      bool unchanged = existing->second == service && dropped_checks.empty();
      for (const auto& [id, c] : new_checks) {
        auto old = node.checks.find(id);
        unchanged = unchanged && old != node.checks.end() && old->second == c;
      }
      if (unchanged) {  // no catalog write, but the agent re-armed its timers
        for (auto& [id, c] : new_checks) node.checks[id].agent = c.agent;
        return Edit::unchanged;
      }
    }

    if (existing != node.services.end()) {
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
      auto old = node.checks.find(id);
      if (old == node.checks.end()) {
        c.raft = {index, index};
      } else if (!(old->second == c)) {
        c.raft.modify_index = index;
      }
      node.checks[id] = std::move(c);
    }
    for (const auto& id : dropped_checks) node.checks.erase(id);
    touch_service(service.name, index);
    node.services[service.id] = std::move(service);
    return Edit::changed;
  }) != Edit::missing;
}

bool Catalog::deregister_service(const std::string& datacenter, const std::string& node_name,
                                 const std::string& service_id) {
  return edit_node(datacenter, node_name, [&](Node& node, std::uint64_t index) {
    // A service the catalog API removed is still the agent's until the agent deregisters it.
    const bool was_stashed = forget_stashed_service(datacenter, node_name, service_id);
    auto it = node.services.find(service_id);
    if (it == node.services.end()) return was_stashed ? Edit::unchanged : Edit::missing;
    erase_service(node, it, index);
    return Edit::changed;
  }) != Edit::missing;
}

bool Catalog::register_check(const std::string& datacenter, const std::string& node_name, const CheckDefinition& def,
                             const std::string& service_id) {
  return edit_node(datacenter, node_name, [&](Node& node, std::uint64_t index) {
    Service node_level;  // stands in for "no service" when building a node check
    const Service* service = &node_level;
    if (!service_id.empty()) {
      auto it = node.services.find(service_id);
      if (it == node.services.end()) return Edit::missing;
      service = &it->second;
    }
    Check c = make_service_check(*service, def, 0, 1);
    forget_stashed_check(datacenter, node_name, c.id);
    if (service_id.empty()) {
      c.service_id.clear();
      c.service_name.clear();
      c.service_tags.clear();
    }
    if (auto old = node.checks.find(c.id); old != node.checks.end()) {
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
    put_check(node, std::move(c), index);
    return Edit::changed;
  }) != Edit::missing;
}

bool Catalog::deregister_check(const std::string& datacenter, const std::string& node_name,
                               const std::string& check_id) {
  return edit_node(datacenter, node_name, [&](Node& node, std::uint64_t index) {
    const bool was_stashed = forget_stashed_check(datacenter, node_name, check_id);
    auto it = node.checks.find(check_id);
    if (it == node.checks.end()) return was_stashed ? Edit::unchanged : Edit::missing;
    erase_check(node, it, index);
    return Edit::changed;
  }) != Edit::missing;
}

std::size_t Catalog::deregister_all_services(const std::string& datacenter, const std::string& node_name) {
  stash_.erase({datacenter, node_name});  // the agent forgot them too
  std::size_t count = 0;
  edit_node(datacenter, node_name, [&](Node& node, std::uint64_t index) {
    if (node.services.empty()) return Edit::unchanged;
    count = node.services.size();
    touch_node_services(node, index);
    for (const auto& [id, s] : node.services) count_service_removed(s.name, index);
    std::erase_if(node.checks, [](const auto& kv) { return !kv.second.service_id.empty(); });
    node.services.clear();
    return Edit::changed;
  });
  return count;
}

bool Catalog::set_service_maintenance(const std::string& datacenter, const std::string& node_name,
                                      const std::string& service_id, bool enable, const std::string& reason) {
  return edit_node(datacenter, node_name, [&](Node& node, std::uint64_t index) {
    auto service = node.services.find(service_id);
    if (service == node.services.end()) return Edit::missing;
    Check c = maintenance_check("_service_maintenance:" + service_id, "Service Maintenance Mode", reason,
                                "Maintenance mode is enabled for this service, but no reason was provided. This is a "
                                "default message.",
                                index);
    c.service_id = service_id;
    c.service_name = service->second.name;
    c.service_tags = service->second.tags;
    if (!toggle_check(node, enable, std::move(c))) return Edit::unchanged;
    touch_service(service->second.name, index);
    return Edit::changed;
  }) != Edit::missing;
}

bool Catalog::set_node_maintenance(const std::string& datacenter, const std::string& node_name, bool enable,
                                   const std::string& reason) {
  return edit_node(datacenter, node_name, [&](Node& node, std::uint64_t index) {
    Check c = maintenance_check("_node_maintenance", "Node Maintenance Mode", reason,
                                "Maintenance mode is enabled for this node, but no reason was provided. This is a "
                                "default message.",
                                index);
    if (!toggle_check(node, enable, std::move(c))) return Edit::unchanged;
    touch_node_services(node, index);
    return Edit::changed;
  }) != Edit::missing;
}

}  // namespace fakes::consul
