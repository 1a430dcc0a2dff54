#pragma once
// Address allocation on the default bridge 172.17.0.0/16: gateway .0.1, containers from .0.2,
// lowest free address first; an address is released when its container stops, as on a real
// engine, so a restarted container may come back with a different IP.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace fakes::docker {

class BridgeIpam {
 public:
  static constexpr const char* kSubnet = "172.17.0.0/16";
  static constexpr const char* kGateway = "172.17.0.1";
  static constexpr int kPrefixLen = 16;

  /// nullopt when the subnet is full.
  std::optional<std::string> allocate();
  void release(const std::string& ip);
  /// The engine's deterministic MAC for an address: 02:42 followed by the 4 IP octets.
  static std::string mac_for(const std::string& ip);

 private:
  std::set<std::uint32_t> used_;  // host part offsets
};

}  // namespace fakes::docker
