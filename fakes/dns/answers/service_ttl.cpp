// Consul's service_ttl lookup (agent/config: exact names first, then the longest `prefix*`).
#include "fakes/dns/answers/dns_config.hpp"
#include "fakes/dns/wire/dns_name.hpp"

namespace fakes::dns {

std::uint32_t service_ttl_for(const DnsConfig& config, std::string_view service) {
  if (config.service_ttls.empty()) return config.service_ttl;  // the common case, no allocation
  std::optional<std::uint32_t> wildcard;
  std::size_t wildcard_length = 0;
  for (const auto& [key, ttl] : config.service_ttls) {
    if (key.ends_with('*')) {
      const std::string_view prefix(key.data(), key.size() - 1);
      const bool matches = service.size() >= prefix.size() && iequals(service.substr(0, prefix.size()), prefix);
      if (matches && (!wildcard || prefix.size() > wildcard_length)) {
        wildcard = ttl;
        wildcard_length = prefix.size();
      }
    } else if (iequals(key, service)) {
      return ttl;  // exact wins over any wildcard
    }
  }
  return wildcard.value_or(config.service_ttl);
}

}  // namespace fakes::dns
