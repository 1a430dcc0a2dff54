#pragma once
// Runs a (rendered) prepared query as Consul's PreparedQuery.Execute does: the healthy
// instances of its service in the datacenter, filtered by tags ("!tag" forbids), node and
// service meta; shuffled, the Near node first, cut to ?limit=; and when none is left, the
// same query in other datacenters (NearestN nearest, then Failover.Datacenters, unknown ones
// skipped) until one has instances. Datacenters of this process are queried directly; one
// served by another process (--wan) counts as a failover that found nothing.

#include "fakes/consul/queries/prepared_query.hpp"
#include "fakes/consul/state/catalog.hpp"

#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::consul {

struct QueryResult {
  std::string service;
  std::string datacenter;            // where the nodes came from
  const Catalog* catalog = nullptr;  // that datacenter's, to render the nodes with
  std::vector<ServiceInstanceRef> nodes;
  std::string dns_ttl;
  int failovers = 0;  // how many other datacenters were asked
};

struct QueryExecution {
  const Catalog& catalog;  // the datacenter the query runs in
  std::string datacenter;
  std::string agent_node;  // what Near "_agent" means
  std::string near;        // ?near=, overrides the query's Near
  int limit = 0;           // 0 = no limit
  /// The catalog of another datacenter of this process; nullptr for unknown or --wan ones.
  std::function<const Catalog*(std::string_view)> catalog_of;
  /// Every other datacenter, nearest first (the fake's are equally near: by name).
  std::vector<std::string> other_datacenters;
};

QueryResult execute_query(const PreparedQuery& query, const QueryExecution& where, std::mt19937_64& rng);

}  // namespace fakes::consul
