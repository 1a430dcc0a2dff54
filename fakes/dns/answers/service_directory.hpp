// What the DNS handler needs to know about the catalog. The fake-consul side implements
// this over its own catalog; tests use a small in-memory stub.
//
// Threading: DnsServer calls these methods only on its io_context thread, synchronously,
// while answering one query; implementations need no locking if the catalog lives on that
// thread too. Names passed in are already lower-cased; implementations should match
// case-insensitively (Consul does) or store lower-cased keys.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::dns {

/// One registered service instance as seen by DNS (catalog service + its node).
struct ServiceInstance {
  std::string node;             ///< node name, e.g. "node1"
  std::string node_address;     ///< node IP, e.g. "127.0.0.1"
  std::string service_address;  ///< service Address; empty means "use node_address"
  std::uint16_t port = 0;
  std::vector<std::string> tags;
  bool critical = false;     ///< any check critical -> hidden from DNS
  bool warning = false;      ///< worst check is warning -> SRV weight = weight_warning
  bool maintenance = false;  ///< service or node maintenance -> hidden from DNS
  int weight_passing = 1;    ///< Weights.Passing
  int weight_warning = 1;    ///< Weights.Warning
};

struct NodeInfo {
  std::string name;
  std::string address;
  /// Node meta; answered as TXT ("key=value", or the raw value for "rfc1035-" keys).
  std::map<std::string, std::string> meta;
};

/// What a prepared query lookup (`<name>.query[.<dc>].<domain>`) answers: the instances its
/// execution returned (health-filtered already, failover included) and where they came from.
struct QueryAnswer {
  std::string datacenter;  ///< the datacenter the instances are in (SRV targets name it)
  std::string service;     ///< the service the query looked up (for the per-service TTL)
  std::vector<ServiceInstance> instances;
  std::optional<std::uint32_t> ttl;  ///< the query's DNS.TTL in seconds; unset = service TTL
};

class ServiceDirectory {
 public:
  virtual ~ServiceDirectory() = default;

  /// Every instance of `service` in `datacenter`, healthy or not (the handler filters).
  virtual std::vector<ServiceInstance> service_instances(std::string_view datacenter,
                                                         std::string_view service) const = 0;
  virtual std::optional<NodeInfo> node(std::string_view datacenter,
                                       std::string_view node) const = 0;
  /// Unknown datacenters answer NXDOMAIN. Also asked for queries without a datacenter
  /// label (with DnsConfig::datacenter), so it must return true for the agent's own one.
  virtual bool has_datacenter(std::string_view datacenter) const = 0;

  /// Executes the prepared query `name` (ID or name) in `datacenter`; nullopt when there is
  /// no such query (NXDOMAIN). The default knows no queries.
  virtual std::optional<QueryAnswer> execute_query(std::string_view /*datacenter*/, std::string_view /*name*/) const {
    return std::nullopt;
  }

  // Reverse lookups for PTR queries (Consul: Catalog.ListNodes, then Catalog.ServiceNodes
  // filtered by ServiceAddress; every instance counts, healthy or not). `address` is the
  // canonical text form ("10.0.0.1", "2001:db8::1"); implementations should compare parsed
  // addresses. The defaults find nothing, which answers PTR queries with SERVFAIL as a
  // recursor-less Consul does for unknown addresses.

  /// Name of the first node in `datacenter` whose Address is `address`.
  virtual std::optional<std::string> node_with_address(std::string_view /*datacenter*/,
                                                       std::string_view /*address*/) const {
    return std::nullopt;
  }
  /// Service name of the first instance in `datacenter` whose service Address is `address`.
  virtual std::optional<std::string> service_with_address(std::string_view /*datacenter*/,
                                                          std::string_view /*address*/) const {
    return std::nullopt;
  }
};

}  // namespace fakes::dns
