#pragma once
// Host-port bookkeeping for published ports: explicit ports must be free ("port is already
// allocated" otherwise), and "-p 80" / -P get the next free port of the ephemeral range
// 32768-60999, scanning onward from the last one handed out as the engine's allocator does.

#include <optional>
#include <set>
#include <string>
#include <utility>

namespace fakes::docker {

class HostPorts {
 public:
  static constexpr int kFirstEphemeral = 32768;
  static constexpr int kLastEphemeral = 60999;

  /// Claims a specific port; false if taken.
  bool claim(const std::string& proto, int port);
  /// Claims the next free ephemeral port; nullopt if the range is exhausted.
  std::optional<int> claim_ephemeral(const std::string& proto);
  void release(const std::string& proto, int port);

 private:
  std::set<std::pair<std::string, int>> used_;
  int next_ = kFirstEphemeral;
};

}  // namespace fakes::docker
