#include "fakes/consul/requests/query_parameters.hpp"

#include <array>
#include <set>
#include <string_view>

namespace fakes::consul {

namespace {

struct RouteParameters {
  std::string_view path;  // exact, or a prefix when it ends with '/'
  std::set<std::string_view> parameters;
};

// Taken by every route: the datacenter, the token, blocking queries, and the consistency
// modes (one server: stale, consistent and cached answers are the same).
const std::set<std::string_view> kEveryRoute = {"dc", "token", "index", "wait", "stale", "consistent", "cached"};

// Longer prefixes first where one prefix starts another.
const std::array<RouteParameters, 35> kRoutes = {{
    {"/v1/agent/service/register", {"replace-existing-checks"}},
    {"/v1/agent/service/deregister/", {}},
    {"/v1/agent/service/maintenance/", {"enable", "reason"}},
    {"/v1/agent/service/", {}},
    {"/v1/agent/services", {}},
    {"/v1/agent/checks", {}},
    {"/v1/agent/maintenance", {"enable", "reason"}},
    {"/v1/agent/check/register", {}},
    {"/v1/agent/check/deregister/", {}},
    {"/v1/agent/check/pass/", {"note"}},
    {"/v1/agent/check/warn/", {"note"}},
    {"/v1/agent/check/fail/", {"note"}},
    {"/v1/agent/check/update/", {}},
    {"/v1/agent/health/service/", {"format"}},
    {"/v1/agent/self", {}},
    {"/v1/agent/members", {}},
    {"/v1/catalog/register", {}},
    {"/v1/catalog/deregister", {}},
    {"/v1/catalog/datacenters", {}},
    {"/v1/catalog/services", {}},
    {"/v1/catalog/service/", {"tag", "node-meta"}},
    {"/v1/catalog/nodes", {"node-meta"}},
    {"/v1/catalog/node/", {}},
    {"/v1/health/service/", {"passing", "tag", "node-meta"}},
    {"/v1/health/", {}},
    {"/v1/kv/", {"recurse", "keys", "raw", "separator", "flags", "cas", "acquire", "release"}},
    {"/v1/session/", {}},
    {"/v1/event/fire/", {"node", "service", "tag"}},
    {"/v1/event/list", {"name"}},
    {"/v1/txn", {}},
    {"/v1/query", {}},
    {"/v1/query/", {"near", "limit"}},
    {"/v1/acl/tokens", {"policy"}},
    {"/v1/acl/", {}},
    {"/v1/status/", {}},
}};

const RouteParameters* route_of(const std::string& path) {
  for (const RouteParameters& r : kRoutes) {
    if (r.path.ends_with('/') ? std::string_view(path).starts_with(r.path) : path == r.path) return &r;
  }
  return nullptr;
}

std::string header(const fakes::http::Request& request, std::string_view name) {
  auto it = request.find(boost::beast::string_view(name.data(), name.size()));
  return it == request.end() ? std::string() : std::string(it->value());
}

}  // namespace

std::optional<std::string> refuse_query_parameters(const fakes::http::Request& request, const fakes::http::Target& target) {
  if (!header(request, "X-Consul-Namespace").empty())
    return "Invalid header: \"X-Consul-Namespace\" - Namespaces are a Consul Enterprise feature";
  if (!target.get("ns").empty())
    return "Invalid query parameter: \"ns\" - Namespaces are a Consul Enterprise feature";
  if (!header(request, "X-Consul-Partition").empty())
    return "Invalid header: \"X-Consul-Partition\" - Partitions are a Consul Enterprise feature";
  if (!target.get("partition").empty())
    return "Invalid query parameter: \"partition\" - Partitions are a Consul Enterprise feature";
  const std::string path = target.path == "/v1/kv" ? "/v1/kv/" : target.path;
  const RouteParameters* route = route_of(path);
  if (!route) return std::nullopt;
  for (const auto& [name, value] : target.query) {
    // An empty ?ns= or ?partition= is the default one, which Consul OSS accepts.
    if (name == "ns" || name == "partition") continue;
    if (kEveryRoute.count(name) || route->parameters.count(name)) continue;
    std::string takes;
    for (std::string_view p : route->parameters) takes += (takes.empty() ? "" : ", ") + std::string(p);
    return "fake-consul does not support the query parameter \"" + name + "\" on " + std::string(route->path) +
           (takes.empty() ? std::string(" (it takes only dc, token, index, wait, stale, consistent, cached)")
                          : " (it takes " + takes + ", and dc, token, index, wait, stale, consistent, cached)");
  }
  return std::nullopt;
}

}  // namespace fakes::consul
