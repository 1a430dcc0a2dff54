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

std::optional<std::string> acl_denies(const AgentConfig& config, const std::string& token, bool write,
                                      std::string_view permission, std::string_view resource) {
  if (!config.acl_master_token) return std::nullopt;
  if (token == *config.acl_master_token) return std::nullopt;
  if (!token.empty()) return std::string("ACL not found");
  if (!write) return std::nullopt;
  return "Permission denied: token with AccessorID '" + std::string(kAnonymousAccessorId) + "' lacks permission '" +
         std::string(permission) + "' on \"" + std::string(resource) + "\"";
}

}  // namespace fakes::consul
