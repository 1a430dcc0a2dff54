#include "fakes/consul/datacenters/datacenter_routing.hpp"

#include "fakes/consul/state/catalog.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fakes::consul {

std::string requested_datacenter(const fakes::http::Target& target, std::string_view body) {
  if (std::string dc = target.get("dc"); !dc.empty()) return dc;
  if (target.path != "/v1/catalog/register" && target.path != "/v1/catalog/deregister") return "";
  const auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return "";  // the endpoint itself reports the decode error
  for (const auto& [key, value] : doc.items())  // Go's decoder matches field names case-insensitively
    if (iequals(key, "Datacenter") && value.is_string()) return value.get<std::string>();
  return "";
}

bool follows_datacenter(std::string_view path) {
  if (path == "/v1/catalog/datacenters") return false;
  return path.starts_with("/v1/catalog/") || path.starts_with("/v1/health/") || path.starts_with("/v1/kv/") ||
         path.starts_with("/v1/session/") || path.starts_with("/v1/event/fire/") || path == "/v1/txn" ||
         path == "/v1/kv" || path == "/v1/query" || path.starts_with("/v1/query/");
}

std::vector<std::string> datacenters_by_distance(const std::string& own, std::vector<std::string> others) {
  std::erase_if(others, [&](const std::string& dc) { return iequals(dc, own); });
  std::sort(others.begin(), others.end());
  others.erase(std::unique(others.begin(), others.end()), others.end());
  others.insert(others.begin(), own);
  return others;
}

}  // namespace fakes::consul
