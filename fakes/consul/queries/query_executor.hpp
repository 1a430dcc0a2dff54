#pragma once
// Runs a (rendered) prepared query as Consul's PreparedQuery.Execute does: the healthy
// instances of its service in the datacenter, filtered by tags ("!tag" forbids), node and
// service meta; shuffled, the Near node first, cut to ?limit=; and when none is left, the
// same query in other datacenters (NearestN nearest, then Failover.Datacenters, unknown ones
// skipped) until one has instances. Instances are /v1/health/service entries
// ({Node, Service, Checks}), so a datacenter in another process (--wan) is asked over HTTP
// like one of this process (query_sources.hpp).

#include "fakes/consul/queries/prepared_query.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::consul {

struct QueryResult {
  std::string service;
  std::string datacenter;  // where the nodes came from
  nlohmann::json nodes = nlohmann::json::array();  // health entries
  std::string dns_ttl;
  int failovers = 0;  // how many other datacenters were asked
};

/// Every instance of `service` in datacenter `dc` as /v1/health/service entries, healthy or
/// not; nullopt when that datacenter cannot be asked (Consul logs it and tries the next).
using InstanceSource = std::function<std::optional<nlohmann::json>(std::string_view dc, std::string_view service)>;

struct QueryExecution {
  std::string datacenter;  // the datacenter the query runs in
  std::string agent_node;  // what Near "_agent" means
  std::string near;        // ?near=, overrides the query's Near
  int limit = 0;           // 0 = no limit
  InstanceSource instances;
  /// Every other datacenter, nearest first (the fake's are equally near: by name).
  std::vector<std::string> other_datacenters;
};

QueryResult execute_query(const PreparedQuery& query, const QueryExecution& where, std::mt19937_64& rng);

}  // namespace fakes::consul
