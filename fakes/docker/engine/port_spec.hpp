#pragma once
// "80/tcp"-style port keys as the engine uses them in ExposedPorts and PortBindings.

#include <optional>
#include <string>
#include <string_view>

namespace fakes::docker {

struct PortSpec {
  int port = 0;
  std::string proto = "tcp";  // tcp | udp | sctp
  std::string key() const { return std::to_string(port) + "/" + proto; }
};

/// Parses "80", "80/tcp", "53/udp". nullopt for anything else (bad number, unknown protocol).
std::optional<PortSpec> parse_port_spec(std::string_view text);

/// Orders keys as the engine's maps print them: by protocol then numerically would be nicer,
/// but Go sorts map keys as strings, so plain string order is what clients see.
std::string normalize_port_key(std::string_view text);

}  // namespace fakes::docker
