#pragma once
// A TCP port that was free a moment ago, for peers that must know each other's address before
// either starts (etcd members, datacenters joined over the WAN).

#include <cstdint>
#include <string>

namespace regsim {

/// A port on the IPv4 address `ip` that was free when asked; throws LaunchError naming `who`
/// when none can be had. A lost race shows up as the peer failing to listen.
std::uint16_t free_port(const std::string& ip, const std::string& who);

}  // namespace regsim
