#include "fakes/consul/queries/query_executor.hpp"

#include "fakes/consul/endpoints/api_call.hpp"

#include <algorithm>
#include <set>

namespace fakes::consul {

namespace {

// CheckServiceNodes.FilterIgnore: an instance goes when a check it does not ignore is
// critical, or warning too with OnlyPassing.
bool healthy(const Catalog& catalog, const ServiceInstanceRef& ref, const ServiceQuery& q) {
  for (const Check* check : catalog.instance_checks(*ref.node, *ref.service)) {
    if (q.ignore_check_ids &&
        std::find(q.ignore_check_ids->begin(), q.ignore_check_ids->end(), check->id) != q.ignore_check_ids->end())
      continue;
    if (check->status == HealthStatus::critical) return false;
    if (q.only_passing && check->status == HealthStatus::warning) return false;
  }
  return true;
}

bool tags_match(const Service& service, const OptionalList& tags) {
  if (!tags) return true;
  std::set<std::string> have;
  for (const std::string& t : service.tags) have.insert(to_lower(t));
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

std::vector<std::pair<std::string, std::string>> as_filters(const OptionalMap& meta) {
  std::vector<std::pair<std::string, std::string>> out;
  if (meta) out.assign(meta->begin(), meta->end());
  return out;
}

// PreparedQuery.execute: one datacenter, no failover, shuffled.
std::vector<ServiceInstanceRef> run_in(const Catalog& catalog, std::string_view dc, const ServiceQuery& q,
                                       std::mt19937_64& rng) {
  std::vector<ServiceInstanceRef> out;
  const auto node_meta = as_filters(q.node_meta), service_meta = as_filters(q.service_meta);
  for (const ServiceInstanceRef& ref : catalog.service_instances(dc, q.service)) {
    if (!healthy(catalog, ref, q) || !tags_match(*ref.service, q.tags)) continue;
    if (!satisfies_meta_filters(ref.node->meta, node_meta) || !satisfies_meta_filters(ref.service->meta, service_meta))
      continue;
    out.push_back(ref);
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

void apply_limit(std::vector<ServiceInstanceRef>& nodes, int limit) {
  if (limit > 0 && nodes.size() > static_cast<std::size_t>(limit)) nodes.resize(static_cast<std::size_t>(limit));
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
  result.catalog = &where.catalog;
  result.nodes = run_in(where.catalog, where.datacenter, query.service, rng);

  // Near: the client's ?near=, else the query's; "_agent" is the asking agent's node. With
  // no network coordinates the order stays shuffled, only that node moves to the front.
  std::string near = where.near.empty() ? query.service.near : where.near;
  if (near == "_agent") near = where.agent_node;
  if (near == "_ip") near.clear();  // needs the client's address, which the fake does not take
  if (!near.empty()) {
    for (std::size_t i = 0; i < result.nodes.size() && i < 10; ++i) {
      if (result.nodes[i].node->name == near) {
        std::swap(result.nodes[0], result.nodes[i]);
        break;
      }
    }
  }
  apply_limit(result.nodes, where.limit);
  if (!result.nodes.empty()) return result;

  for (const std::string& dc : failover_candidates(query.service.failover, where.other_datacenters)) {
    ++result.failovers;
    const Catalog* remote = where.catalog_of ? where.catalog_of(dc) : nullptr;
    if (!remote) continue;  // Consul logs the failed forward and tries the next one
    result.datacenter = dc;
    result.catalog = remote;
    result.nodes = run_in(*remote, dc, query.service, rng);
    apply_limit(result.nodes, where.limit);
    if (!result.nodes.empty()) break;
  }
  return result;
}

}  // namespace fakes::consul
