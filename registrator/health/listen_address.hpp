#pragma once
// The address a listener of ours binds (-health-addr): checked when flags are parsed, so a typo
// is a start-up error naming the flag rather than a listener that is silently absent.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace registrator {

struct ListenAddress {
  std::string host;  ///< an IPv4 or IPv6 literal ("0.0.0.0" for ":PORT")
  std::uint16_t port = 0;  ///< 0: any free port (the bound one is logged)
};

/// "IP:PORT", "[IPv6]:PORT" or ":PORT" (every IPv4 interface). Host names are refused (a
/// listener that binds whatever a name resolves to today is a surprise later). On failure
/// returns nullopt and sets `error` to what is wrong, without the flag's name.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error);

/// "127.0.0.1:8080" / "[::1]:8080".
std::string to_string(const ListenAddress& address);

}  // namespace registrator
