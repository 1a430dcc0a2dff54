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
    : clock_(clock), local_datacenter_(std::move(local_datacenter)), kv_(*this),
      queries_(*this, [this](const std::string& id) { return find_session(id) != nullptr; }) {}

std::uint64_t Catalog::commit() {
  ++index_;
  invalidate_broken_sessions(index_);
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
  const Edit edit = edit_node(datacenter, name, [&](Node& node, std::uint64_t index) {
    if (node.address == address && node.meta == meta) return Edit::unchanged;
    node.address = address;
    node.meta = std::move(meta);
    node.raft.modify_index = index;
    touch_node_services(node, index);
    return Edit::changed;
  });
  if (edit != Edit::missing) return *mutable_node(datacenter, name);
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

// Not an edit_node write: the node must be gone before the listener re-evaluates watchers.
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

std::map<std::string, Service>::iterator Catalog::erase_service(Node& node, std::map<std::string, Service>::iterator it,
                                                                std::uint64_t index) {
  touch_service(it->second.name, index);
  count_service_removed(it->second.name, index);
  std::erase_if(node.checks, [&](const auto& kv) { return kv.second.service_id == it->first; });
  return node.services.erase(it);
}

void Catalog::erase_check(Node& node, std::map<std::string, Check>::iterator it, std::uint64_t index) {
  touch_check_owner(node, it->second, index);
  node.checks.erase(it);
}

void Catalog::put_check(Node& node, Check check, std::uint64_t index) {
  touch_check_owner(node, check, index);
  Check& slot = node.checks[check.id];
  slot = std::move(check);
}

bool Catalog::toggle_check(Node& node, bool enable, Check check) {
  if (enable == (node.checks.count(check.id) != 0)) return false;
  if (enable) node.checks.emplace(check.id, std::move(check));
  else node.checks.erase(check.id);
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
