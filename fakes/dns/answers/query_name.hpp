// Classifies a query name inside the Consul domain (agent/dns.go `dispatch`):
//   [tag.]<svc>.service[.<dc>].<domain>        _<svc>._<tag|tcp>[.service][.<dc>].<domain>
//   <node>.node[.<dc>].<domain>                <hexip>.addr[.<dc>].<domain>
//   <name>.query[.<dc>].<domain>               (prepared query; the name may hold dots)
//   <domain>                                   (apex: SOA/NS)
#pragma once

#include "fakes/dns/wire/dns_name.hpp"

#include <optional>
#include <string>

namespace fakes::dns {

struct ParsedName {
  enum class Kind { kApex, kService, kNode, kAddr, kQuery, kUnknown };
  Kind kind = Kind::kUnknown;
  std::string datacenter;        ///< the default datacenter when the name has none
  bool explicit_datacenter = false;
  std::string service;           ///< kService
  std::optional<std::string> tag;///< kService; unset = no tag filter
  std::string node;              ///< kNode
  std::string hex_address;       ///< kAddr: 8 or 32 hex digits (validated by the handler)
  std::string query;             ///< kQuery: the prepared query's ID or name
};

/// `name` must be lower-case. Returns nullopt when it is outside `domain`.
std::optional<ParsedName> parse_query_name(const DnsName& name, const DnsName& domain,
                                           const std::string& default_datacenter);

}  // namespace fakes::dns
