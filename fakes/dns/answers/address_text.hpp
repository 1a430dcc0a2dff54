// Internal: the address spellings Consul's DNS uses: IP text, the hex labels of
// `<hex>.addr.<dc>.<domain>`, and reverse names under in-addr.arpa / ip6.arpa.
#pragma once

#include "fakes/dns/wire/dns_name.hpp"

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace fakes::dns {

std::optional<boost::asio::ip::address> parse_ip(std::string_view text);
/// 8 hex digits for IPv4, 32 for IPv6, lower-case.
std::string hex_of(const boost::asio::ip::address& address);
/// Inverse of hex_of; nullopt unless exactly 8 or 32 hex digits.
std::optional<boost::asio::ip::address> ip_of_hex(std::string_view hex);

/// `4.3.2.1.in-addr.arpa` -> 1.2.3.4; 32 nibble labels under `ip6.arpa` -> IPv6. Partial
/// (network) names and non-canonical labels ("01") give nullopt. `name` lower-case.
std::optional<boost::asio::ip::address> address_from_reverse_name(const DnsName& name);

}  // namespace fakes::dns
