#include "fakes/docker/engine/port_spec.hpp"

namespace fakes::docker {

std::optional<PortSpec> parse_port_spec(std::string_view text) {
  PortSpec spec;
  auto slash = text.find('/');
  std::string_view number = text.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view proto = text.substr(slash + 1);
    if (proto != "tcp" && proto != "udp" && proto != "sctp") return std::nullopt;
    spec.proto = std::string(proto);
  }
  if (number.empty() || number.size() > 5) return std::nullopt;
  int value = 0;
  for (char c : number) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return std::nullopt;
  spec.port = value;
  return spec;
}

std::string normalize_port_key(std::string_view text) {
  auto spec = parse_port_spec(text);
  return spec ? spec->key() : std::string(text);
}

}  // namespace fakes::docker
