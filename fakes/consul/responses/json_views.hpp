#pragma once
// The JSON shapes Consul returns for nodes, services and checks on each endpoint family.
// Lists and maps are always [] / {}, never null.

#include "fakes/consul/state/catalog.hpp"

#include <nlohmann/json.hpp>

namespace fakes::consul {

/// /v1/catalog/nodes entry and the "Node" of /v1/health/service.
nlohmann::json node_json(const Node& node);
/// /v1/agent/services value and /v1/agent/service/<id>.
nlohmann::json agent_service_json(const Service& service, const std::string& datacenter);
/// /v1/catalog/service/<name> entry.
nlohmann::json catalog_service_json(const Node& node, const Service& service);
/// The "Service" of /v1/health/service and the values of /v1/catalog/node/<node> "Services".
nlohmann::json node_service_json(const Service& service);
/// /v1/health/* and /v1/agent/checks entries.
nlohmann::json check_json(const Node& node, const Check& check);

}  // namespace fakes::consul
