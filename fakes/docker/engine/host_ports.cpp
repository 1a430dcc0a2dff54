#include "fakes/docker/engine/host_ports.hpp"

namespace fakes::docker {

bool HostPorts::claim(const std::string& proto, int port) { return used_.insert({proto, port}).second; }

std::optional<int> HostPorts::claim_ephemeral(const std::string& proto) {
  const int span = kLastEphemeral - kFirstEphemeral + 1;
  for (int i = 0; i < span; ++i) {
    int port = next_;
    next_ = next_ == kLastEphemeral ? kFirstEphemeral : next_ + 1;
    if (claim(proto, port)) return port;
  }
  return std::nullopt;
}

void HostPorts::release(const std::string& proto, int port) { used_.erase({proto, port}); }

}  // namespace fakes::docker
