#pragma once
// Splitting a check's "host:port" / "[v6]:port" address, shared by the HTTP, TCP and gRPC probes.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace fakes::consul {

/// {host without brackets, port}; a host with no ":port" gets `default_port`. nullopt when the
/// host or the port is empty, or a bracketed host is not followed by ":port".
inline std::optional<std::pair<std::string, std::string>> split_host_port(std::string_view text,
                                                                          std::string_view default_port) {
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else if (const auto colon = text.rfind(':'); colon == std::string_view::npos) {
    host = text;
    port = default_port;
  } else {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty() || port.empty()) return std::nullopt;
  return std::pair{std::move(host), std::move(port)};
}

}  // namespace fakes::consul
