// Pure Consul-style DNS query handling: bytes in, bytes out, no I/O. DnsServer wraps it;
// tests and the fuzz target call it directly.
#pragma once

#include "fakes/dns/answers/dns_config.hpp"
#include "fakes/dns/wire/dns_name.hpp"
#include "fakes/dns/answers/service_directory.hpp"
#include "fakes/dns/wire/wire.hpp"

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <vector>

namespace fakes::dns {

/// The requester's EDNS0 OPT, as far as answering needs it.
struct Edns {
  std::uint16_t udp_size = 512;
};

class QueryHandler {
 public:
  /// `directory` must outlive the handler.
  QueryHandler(const ServiceDirectory& directory, DnsConfig config);

  /// Answers one query. Returns nullopt when the packet must be dropped silently: shorter
  /// than a header, or a response (QR set; answering those invites loops). Malformed bodies
  /// get FORMERR, names outside domain/alt_domain/arpa REFUSED, directory exceptions
  /// SERVFAIL; names under `arpa.` are reverse (PTR) lookups.
  /// Not thread-safe (owns the shuffle RNG).
  std::optional<std::vector<std::uint8_t>> answer(std::span<const std::uint8_t> query,
                                                  Transport transport);

  [[nodiscard]] const DnsConfig& config() const noexcept { return config_; }

 private:
  std::vector<std::uint8_t> reverse_response(const Header& query, const Question& question,
                                             const std::optional<Edns>& edns);

  const ServiceDirectory& directory_;
  DnsConfig config_;
  std::mt19937_64 rng_;
  DnsName arpa_;
  std::vector<DnsName> zones_;  ///< domain, then alt_domain (lower-case)
};

/// Largest response DnsServer sends over TCP (Consul caps at 65535 minus some slack).
inline constexpr std::size_t kMaxTcpResponse = 65523;

}  // namespace fakes::dns
