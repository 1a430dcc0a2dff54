#pragma once
// A port that was free a moment ago, for peers that must know each other's address before
// either starts (etcd members, datacenters joined over the WAN), and for a fake-consul that
// restart_consul brings back on the same ports.
//
// The port comes from below the kernel's ephemeral range (ip_local_port_range): a port inside it
// can be taken between the pick and the peer's bind, or during a restart's downtime, as the
// source port of any outgoing connection or DNS query on the machine (even registrator's own
// reconnect to that very port). Below the range only a listener that chose it can collide.

#include <cstdint>
#include <string>

namespace regsim {

enum class PortUse { tcp, tcp_and_udp };

/// A port on the IPv4 address `ip` that was free (for TCP, and for UDP too if asked) when asked,
/// outside the ephemeral range; throws LaunchError naming `who` when none can be had. A lost race
/// with another listener shows up as the peer failing to listen.
std::uint16_t free_port(const std::string& ip, const std::string& who, PortUse use = PortUse::tcp);

}  // namespace regsim
