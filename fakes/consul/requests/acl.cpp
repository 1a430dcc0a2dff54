#include "fakes/consul/requests/acl.hpp"

namespace fakes::consul {

std::string request_token(const fakes::http::Request& request, const fakes::http::Target& target) {
  if (auto it = request.find("X-Consul-Token"); it != request.end() && !it->value().empty())
    return std::string(it->value());
  if (auto it = request.find(boost::beast::http::field::authorization); it != request.end()) {
    std::string_view value = it->value();
    constexpr std::string_view bearer = "Bearer ";
    if (value.size() > bearer.size() && value.substr(0, bearer.size()) == bearer)
      return std::string(value.substr(bearer.size()));
  }
  return target.get("token");
}

AclResult<AclIdentity> request_identity(const AgentConfig& config, const std::string& token) {
  if (!config.acl_store || !config.acl_store->enabled()) return AclIdentity{"", Authorizer::management()};
  return config.acl_store->resolve(token);
}

std::string permission_denied(const std::string& accessor, std::string_view permission, std::string_view resource) {
  std::string out = "Permission denied: token with AccessorID '" + accessor + "' lacks permission '" +
                    std::string(permission) + "'";
  if (!resource.empty()) out += " on \"" + std::string(resource) + "\"";
  return out;
}

}  // namespace fakes::consul
