#pragma once
// `docker run -p` syntax for the scenario's "publish" list: "7679:80", "127.0.0.1:7679:80/udp",
// or "80" (Docker picks the host port).

#include <optional>
#include <string>
#include <string_view>

namespace regsim {

struct PortPublish {
  std::string host_ip;        // "" = all interfaces
  std::string host_port;      // "" = Docker picks one
  std::string container_port; // "80"
  std::string protocol;       // "tcp" or "udp"

  /// Docker's key for the port: "80/tcp".
  std::string port_key() const { return container_port + "/" + protocol; }
};

/// nullopt when `text` is not [[IP:]HOSTPORT:]CONTAINERPORT[/tcp|udp] with ports in 1..65535.
std::optional<PortPublish> parse_publish(std::string_view text);

}  // namespace regsim
