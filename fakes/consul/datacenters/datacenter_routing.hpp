#pragma once
// Which datacenter a request is for, and which endpoints follow it: Consul's agent forwards
// catalog, health, KV and session requests for another datacenter to that datacenter's servers (over
// the WAN); its /v1/agent/* endpoints always answer for the agent itself.

#include "fakes/common/url.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fakes::consul {

/// ?dc=, else for /v1/catalog/register|deregister the body's Datacenter (Consul's parseDC
/// keeps a decoded Datacenter unless ?dc= overrides it); "" = the agent's own datacenter.
std::string requested_datacenter(const fakes::http::Target& target, std::string_view body);

/// True for the endpoints that answer for the requested datacenter.
bool follows_datacenter(std::string_view path);

/// /v1/catalog/datacenters order: Consul sorts by round-trip time, so the agent's own
/// datacenter (distance 0) comes first; the others are equally far here, by name.
std::vector<std::string> datacenters_by_distance(const std::string& own, std::vector<std::string> others);

}  // namespace fakes::consul
