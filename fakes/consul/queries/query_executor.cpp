#include "fakes/consul/queries/query_executor.hpp"

#include "fakes/consul/state/catalog.hpp"

#include <algorithm>
#include <set>

namespace fakes::consul {

namespace {

using nlohmann::json;

// A member by reference (null when absent): value() would copy whole check lists per instance.
const json& member(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string text_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// CheckServiceNodes.FilterIgnore: an instance goes when a check it does not ignore is
// critical, or warning too with OnlyPassing.
bool healthy(const json& entry, const ServiceQuery& q) {
  const json& checks = member(entry, "Checks");
  if (!checks.is_array()) return true;
  for (const json& check : checks) {
    const std::string id = text_at(check, "CheckID"), status = text_at(check, "Status");
    if (q.ignore_check_ids &&
        std::find(q.ignore_check_ids->begin(), q.ignore_check_ids->end(), id) != q.ignore_check_ids->end())
      continue;
    if (status == "critical") return false;
    if (q.only_passing && status == "warning") return false;
  }
  return true;
}

bool tags_match(const json& service, const OptionalList& tags) {
  if (!tags) return true;
  std::set<std::string> have;
  const json& service_tags = member(service, "Tags");
  if (service_tags.is_array())
    for (const json& t : service_tags)
      if (t.is_string()) have.insert(to_lower(t.get<std::string>()));
  for (const std::string& t : *tags) {
    const std::string lowered = to_lower(t);
    if (lowered.starts_with("!")) {
      if (have.count(lowered.substr(1))) return false;
    } else if (!have.count(lowered)) {
      return false;
    }
  }
  return true;
}

bool meta_match(const json& object, const OptionalMap& wanted) {
  if (!wanted) return true;
  const json& meta = member(object, "Meta");
  if (!meta.is_object()) return wanted->empty();
  for (const auto& [key, value] : *wanted) {
    auto it = meta.find(key);
    if (it == meta.end() || !it->is_string() || it->get<std::string>() != value) return false;
  }
  return true;
}

// PreparedQuery.execute: one datacenter, no failover, shuffled. nullopt: not reachable.
std::optional<json> run_in(const QueryExecution& where, std::string_view dc, const ServiceQuery& q,
                           std::mt19937_64& rng) {
  auto all = where.instances(dc, q.service);
  if (!all) return std::nullopt;
  std::vector<json> kept;
  for (json& entry : *all) {
    if (!entry.is_object() || !entry.contains("Node") || !entry.contains("Service")) continue;
    if (!healthy(entry, q) || !tags_match(entry["Service"], q.tags)) continue;
    if (!meta_match(entry["Node"], q.node_meta) || !meta_match(entry["Service"], q.service_meta)) continue;
    kept.push_back(std::move(entry));
  }
  std::shuffle(kept.begin(), kept.end(), rng);
  return json(std::move(kept));
}

void apply_limit(json& nodes, int limit) {
  while (limit > 0 && nodes.size() > static_cast<std::size_t>(limit)) nodes.erase(nodes.size() - 1);
}

// queryFailover's candidate list: the NearestN nearest, then the listed known ones.
std::vector<std::string> failover_candidates(const QueryFailover& failover, const std::vector<std::string>& nearest) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < nearest.size() && static_cast<int>(i) < failover.nearest_n; ++i) out.push_back(nearest[i]);
  if (failover.datacenters) {
    for (const std::string& dc : *failover.datacenters) {
      if (std::find(nearest.begin(), nearest.end(), dc) == nearest.end()) continue;  // unknown: skipped
      if (std::find(out.begin(), out.end(), dc) == out.end()) out.push_back(dc);
    }
  }
  return out;
}

}  // namespace

QueryResult execute_query(const PreparedQuery& query, const QueryExecution& where, std::mt19937_64& rng) {
  QueryResult result;
  result.service = query.service.service;
  result.dns_ttl = query.dns_ttl;
  result.datacenter = where.datacenter;
  result.nodes = run_in(where, where.datacenter, query.service, rng).value_or(json::array());

  // Near: the client's ?near=, else the query's; "_agent" is the asking agent's node. With
  // no network coordinates the order stays shuffled, only that node moves to the front.
  std::string near = where.near.empty() ? query.service.near : where.near;
  if (near == "_agent") near = where.agent_node;
  if (near == "_ip") near.clear();  // needs the client's address, which the fake does not take
  if (!near.empty()) {
    for (std::size_t i = 0; i < result.nodes.size() && i < 10; ++i) {
      if (text_at(result.nodes[i]["Node"], "Node") == near) {
        std::swap(result.nodes[0], result.nodes[i]);
        break;
      }
    }
  }
  apply_limit(result.nodes, where.limit);
  if (!result.nodes.empty()) return result;

  for (const std::string& dc : failover_candidates(query.service.failover, where.other_datacenters)) {
    ++result.failovers;
    auto remote = run_in(where, dc, query.service, rng);
    if (!remote) continue;  // Consul logs the failed forward and tries the next one
    result.datacenter = dc;
    result.nodes = std::move(*remote);
    apply_limit(result.nodes, where.limit);
    if (!result.nodes.empty()) break;
  }
  return result;
}

}  // namespace fakes::consul
