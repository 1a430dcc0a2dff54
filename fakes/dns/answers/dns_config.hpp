// Knobs of the fake Consul DNS interface; defaults follow Consul's agent defaults except
// where noted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fakes::dns {

enum class Transport { kUdp, kTcp };

struct DnsConfig {
  std::string domain = "consul";   ///< served zone, without trailing dot
  /// Consul's `alt_domain`: a second zone answered like `domain`; names in answers (SRV
  /// targets, SOA, NS) follow the domain the question used. Empty = none.
  std::string alt_domain;
  std::string datacenter = "dc1";  ///< used when the query names no datacenter

  /// RA flag in responses. Real Consul sets RA only when `recursors` are configured, but the
  /// users' seed transcript (`dig @localhost valami.service.dc1.consul`) shows
  /// `flags: qr aa rd ra`, so the fake defaults to true. Set false to mimic a recursor-less
  /// agent.
  bool recursion_available = true;

  std::uint32_t node_ttl = 0;     ///< TTL of node lookups (Consul default 0)
  std::uint32_t service_ttl = 0;  ///< TTL of services no `service_ttls` entry matches
  /// Consul's `service_ttl` map: exact service names and `prefix*` wildcards (seconds).
  /// An exact name wins over wildcards, the longest wildcard prefix over shorter ones; `*`
  /// matches every service. Keys are matched case-insensitively.
  std::map<std::string, std::uint32_t> service_ttls;
  /// Consul's `a_record_limit`: at most this many A/AAAA answers per service lookup
  /// (not SRV); 0 = unlimited.
  std::size_t a_record_limit = 0;

  /// Non-EDNS (512-byte) UDP answers carry at most min(8, udp_answer_limit) records.
  /// Consul rejects 0 at config load; here 0 really means "no answers" on that path.
  std::size_t udp_answer_limit = 3;
  bool only_passing = false;    ///< also hide instances whose worst check is warning
  bool enable_truncate = false; ///< set TC when UDP answers were trimmed (Consul default off)

  /// SOA in negative answers: `<domain>. SOA ns.<domain>. hostmaster.<domain>. ...`
  std::uint32_t soa_refresh = 3600;
  std::uint32_t soa_retry = 600;
  std::uint32_t soa_expire = 86400;
  std::uint32_t soa_min_ttl = 0;  ///< also the SOA record's own TTL
  /// SOA serial; unset = current unix time (as Consul does). Tests pin it.
  std::optional<std::uint32_t> soa_serial;

  /// Seed for shuffling answers; unset = seeded from std::random_device.
  std::optional<std::uint64_t> shuffle_seed;
};

/// TTL for a service lookup per `service_ttls` (then `service_ttl`); `service` lower-case.
std::uint32_t service_ttl_for(const DnsConfig& config, std::string_view service);

}  // namespace fakes::dns
