#pragma once
// Address allocation on a bridge network 172.N.0.0/16 (the default bridge is 172.17.0.0/16,
// user-defined networks get 172.18, 172.19, ... as the engine's default pools hand them out):
// gateway .0.1, containers from .0.2, lowest free address first; an address is released when
// its container stops or disconnects, as on a real engine, so a restarted container may come
// back with a different IP.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace fakes::docker {

class BridgeIpam {
 public:
  static constexpr int kPrefixLen = 16;
  static constexpr int kDefaultBridgeOctet = 17;

  explicit BridgeIpam(int second_octet = kDefaultBridgeOctet);

  std::string subnet() const;   // "172.17.0.0/16"
  int second_octet() const { return static_cast<int>((base_ >> 16) & 255); }  // 17 for 172.17.0.0/16
  std::string gateway() const;  // "172.17.0.1"
  /// nullopt when the subnet is full.
  std::optional<std::string> allocate();
  void release(const std::string& ip);
  /// Takes this exact address; false when it is outside the subnet, the gateway or taken.
  bool claim(const std::string& ip);
  /// The engine's deterministic MAC for an address: 02:42 followed by the 4 IP octets.
  static std::string mac_for(const std::string& ip);

 private:
  std::uint32_t base_;
  std::set<std::uint32_t> used_;  // host part offsets
  // Every offset below this one is taken: allocate() looks from here, not from .0.2 (walking
  // the taken addresses from the start made each start O(containers): with 2,000 running,
  // 40% of fake-docker's CPU on the event path).
  std::uint32_t lowest_maybe_free_;
};

}  // namespace fakes::docker
