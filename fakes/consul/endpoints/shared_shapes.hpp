#pragma once
// The JSON shapes more than one endpoint family answers with, because Consul answers with the
// same struct there: structs.Node (catalog and health), structs.NodeService (health and
// /v1/catalog/node), structs.HealthCheck (health, /v1/agent/checks, /_fake/state) and
// api.AgentService (the agent endpoints, /_fake/state), structs.DirEntry (KV and /v1/txn);
// plus the small pieces the shapes are
// built from. A shape only one family uses lives in that family's endpoints file.
// Lists and maps are always [] / {}, never null.

#include "fakes/consul/state/catalog.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace fakes::consul {

/// /v1/catalog/nodes entry and the "Node" of /v1/health/service.
nlohmann::json node_json(const Node& node);
/// The "Service" of /v1/health/service and the values of /v1/catalog/node/<node> "Services".
nlohmann::json node_service_json(const Service& service);
/// /v1/health/* and /v1/agent/checks entries.
nlohmann::json check_json(const Node& node, const Check& check);
/// /v1/agent/services value and /v1/agent/service/<id>.
nlohmann::json agent_service_json(const Service& service, const std::string& datacenter);
/// /v1/kv entries and /v1/txn KV results: Value base64 (null when empty or `with_value` is
/// false, as txn answers writes), Session only while held (omitempty).
nlohmann::json kv_entry_json(const KvEntry& entry, bool with_value = true);

// ---- pieces ----
nlohmann::json string_map_json(const std::map<std::string, std::string>& map);
nlohmann::json string_list_json(const std::vector<std::string>& list);
nlohmann::json weights_json(const Weights& weights);
nlohmann::json tagged_addresses_json(const std::map<std::string, TaggedAddress>& addresses);
/// structs.ConnectProxyConfig of a service that is not a proxy.
nlohmann::json empty_proxy_json();

}  // namespace fakes::consul
