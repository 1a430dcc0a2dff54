#pragma once
// The --ready-file handshake: once the listeners are bound, a JSON object with the actual
// addresses is written under a temporary name and renamed into place, so a launcher polling
// for the file never reads half of it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace fakes::consul {

/// "ADDR:PORT" as clients should dial it: unspecified addresses become loopback, IPv6 gets [].
std::string listen_address(const std::string& address, std::uint16_t port);

/// Writes {"http":"...","dns":"..."} atomically; returns an error text on failure.
/// `agents`: node name -> "ADDR:PORT" of the extra agents (written as {"agents": {...}}).
std::optional<std::string> write_ready_file(const std::string& path, const std::string& http,
                                            const std::optional<std::string>& dns,
                                            const std::optional<std::string>& https = std::nullopt,
                                            const std::map<std::string, std::string>& agents = {});

}  // namespace fakes::consul
