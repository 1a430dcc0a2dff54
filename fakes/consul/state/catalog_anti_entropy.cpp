// /v1/catalog/register and /v1/catalog/deregister, and the agents' anti-entropy that undoes
// them on an agent's own node (Consul's agent/local/state.go SyncFull: the agent re-asserts
// the services and checks it owns and deletes the ones it does not know).
#include "fakes/consul/state/catalog.hpp"

namespace fakes::consul {

std::string Catalog::catalog_register(const CatalogRegistration& reg) {
  const std::string dc = reg.datacenter.empty() ? local_datacenter_ : reg.datacenter;
  const Node* existing_node = mutable_node(dc, reg.node);
  if (!existing_node && reg.skip_node_update) return "Missing node registration";
  // Checks of services neither on the node nor in the request fail before anything changes.
  for (const Check& c : reg.checks) {
    if (c.service_id.empty() || (reg.service && reg.service->id == c.service_id)) continue;
    if (!existing_node || !existing_node->services.count(c.service_id)) return "Missing service registration";
  }
  if (!reg.skip_node_update) upsert_node(dc, reg.node, reg.address, reg.node_meta);
  if (reg.service) {
    stash_service(dc, *mutable_node(dc, reg.node), reg.service->id);
    ServiceRegistration service_reg;
    service_reg.service = *reg.service;
    service_reg.service.from_catalog_api = true;
    register_service(dc, reg.node, std::move(service_reg));
  }
  edit_node(dc, reg.node, [&](Node& node, std::uint64_t index) {
    if (reg.checks.empty()) return Edit::unchanged;
    for (Check c : reg.checks) {
      stash_check(dc, node, c.id);
      if (!c.service_id.empty()) {
        const Service& s = node.services.at(c.service_id);
        c.service_name = s.name;
        c.service_tags = s.tags;
      }
      c.from_catalog_api = true;
      auto old = node.checks.find(c.id);
      c.raft = {old == node.checks.end() ? index : old->second.raft.create_index, index};
      put_check(node, std::move(c), index);
    }
    return Edit::changed;
  });
  return {};
}

void Catalog::catalog_deregister(const CatalogDeregistration& dereg) {
  const std::string dc = dereg.datacenter.empty() ? local_datacenter_ : dereg.datacenter;
  const Node* whole = mutable_node(dc, dereg.node);
  if (!whole) return;
  if (dereg.service_id.empty() && dereg.check_id.empty()) {
    for (const auto& [id, s] : whole->services) stash_service(dc, *whole, id);
    for (const auto& [id, c] : whole->checks) stash_check(dc, *whole, id);
    remove_node(dc, dereg.node);
    return;
  }
  edit_node(dc, dereg.node, [&](Node& node, std::uint64_t index) {
    bool changed = false;
    if (auto s = node.services.find(dereg.service_id); s != node.services.end()) {
      stash_service(dc, node, s->first);
      erase_service(node, s, index);
      changed = true;
    }
    if (auto c = node.checks.find(dereg.check_id); c != node.checks.end()) {
      stash_check(dc, node, c->first);
      erase_check(node, c, index);
      changed = true;
    }
    return changed ? Edit::changed : Edit::unchanged;
  });
}

std::size_t Catalog::anti_entropy_sync(const std::string& datacenter, const std::string& node_name,
                                       const std::string& address) {
  std::size_t changes = 0;
  const Node* before = mutable_node(datacenter, node_name);
  if (!before || before->address != address || !before->meta.empty()) {
    upsert_node(datacenter, node_name, address, {});
    ++changes;
  }
  std::size_t writes = 0;
  edit_node(datacenter, node_name, [&](Node& node, std::uint64_t index) {
    AgentStash stash;
    if (auto it = stash_.find({datacenter, node_name}); it != stash_.end()) {
      stash = std::move(it->second);
      stash_.erase(it);
    }
    // What the catalog API put on the agent's node goes; what it took from the agent comes back.
    for (auto it = node.services.begin(); it != node.services.end();) {
      if (!it->second.from_catalog_api) {
        ++it;
        continue;
      }
      it = erase_service(node, it, index);
      ++writes;
    }
    writes += std::erase_if(node.checks, [&](const auto& kv) {
      if (!kv.second.from_catalog_api) return false;
      touch_check_owner(node, kv.second, index);
      return true;
    });
    for (auto& [id, s] : stash.services) {
      if (node.services.count(id)) continue;  // the agent registered it again meanwhile
      s.raft = {index, index};
      count_service_added(s.name);
      touch_service(s.name, index);
      node.services[id] = std::move(s);
      ++writes;
    }
    for (auto& [id, c] : stash.checks) {
      if (node.checks.count(id) || (!c.service_id.empty() && !node.services.count(c.service_id))) continue;
      c.raft = {index, index};
      put_check(node, std::move(c), index);
      ++writes;
    }
    return writes ? Edit::changed : Edit::unchanged;
  });
  return changes + writes;
}

std::map<std::string, const Service*> Catalog::agent_services(const std::string& datacenter,
                                                              const std::string& node_name) const {
  std::map<std::string, const Service*> out;
  if (auto it = stash_.find({datacenter, node_name}); it != stash_.end())
    for (const auto& [id, s] : it->second.services) out[id] = &s;
  if (const Node* node = find_node(datacenter, node_name))
    for (const auto& [id, s] : node->services)
      if (!s.from_catalog_api) out[id] = &s;
  return out;
}

void Catalog::stash_service(const std::string& datacenter, const Node& node, const std::string& service_id) {
  auto s = node.services.find(service_id);
  if (s == node.services.end() || s->second.from_catalog_api) return;
  AgentStash& stash = stash_[{datacenter, node.name}];
  stash.services.emplace(service_id, s->second);
  for (const auto& [id, c] : node.checks)
    if (c.service_id == service_id && !c.from_catalog_api) stash.checks.emplace(id, c);
}

void Catalog::stash_check(const std::string& datacenter, const Node& node, const std::string& check_id) {
  auto c = node.checks.find(check_id);
  if (c == node.checks.end() || c->second.from_catalog_api || check_id == kSerfCheckId) return;
  stash_[{datacenter, node.name}].checks.emplace(check_id, c->second);
}

bool Catalog::forget_stashed_service(const std::string& datacenter, const std::string& node,
                                     const std::string& service_id) {
  auto it = stash_.find({datacenter, node});
  if (it == stash_.end()) return false;
  std::erase_if(it->second.checks, [&](const auto& kv) { return kv.second.service_id == service_id; });
  return it->second.services.erase(service_id) > 0;
}

bool Catalog::forget_stashed_check(const std::string& datacenter, const std::string& node,
                                   const std::string& check_id) {
  auto it = stash_.find({datacenter, node});
  return it != stash_.end() && it->second.checks.erase(check_id) > 0;
}

}  // namespace fakes::consul
