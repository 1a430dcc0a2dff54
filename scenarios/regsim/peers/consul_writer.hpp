#pragma once
// Acts on the fake Consul directly, behind registrator's back: seeds a service registration as
// `curl -X PUT .../v1/agent/service/register` would, and drives the fake's test control API
// (/_fake/faults, /_fake/lose-state). Every call throws ConsulError naming the request and the
// answer when the fake does not accept it.

#include "scenarios/regsim/peers/consul_reader.hpp"

#include "fakes/common/http/client.hpp"

#include <nlohmann/json.hpp>

namespace regsim {

void consul_register_service(const fakes::http::Endpoint& consul, const nlohmann::json& registration);
/// POST /v1/query: creates a prepared query; returns its ID.
std::string consul_create_query(const fakes::http::Endpoint& consul, const nlohmann::json& query);
/// `rule` is the fake's fault shape: {"method", "path", "status", "count", "action"}.
void consul_add_fault(const fakes::http::Endpoint& consul, const nlohmann::json& rule);
void consul_clear_faults(const fakes::http::Endpoint& consul);
/// Returns how many services the fake dropped.
int consul_lose_state(const fakes::http::Endpoint& consul);

/// PUT /v1/agent/check/pass|warn|fail/ID?note=NOTE, as a TTL check's owner reports its health;
/// `status` is "passing", "warning" or "critical".
void consul_set_check_status(const fakes::http::Endpoint& agent, const std::string& check_id, const std::string& status,
                             const std::string& note);

/// PUT /v1/agent/service/maintenance/ID (or /v1/agent/maintenance for the whole node when
/// `service_id` is empty) ?enable=true|false&reason=REASON.
void consul_set_maintenance(const fakes::http::Endpoint& agent, const std::string& service_id, bool enable,
                            const std::string& reason);

}  // namespace regsim
