#include "scenarios/regsim/language/publish_spec.hpp"

#include <cctype>
#include <vector>

namespace regsim {
namespace {

bool is_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  unsigned value = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

bool is_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t start = 0;
  for (;;) {
    const auto dot = s.find('.', start);
    const auto part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 3) return false;
    unsigned v = 0;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

}  // namespace

std::optional<PortPublish> parse_publish(std::string_view text) {
  PortPublish out;
  out.protocol = "tcp";
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    out.protocol = std::string(text.substr(slash + 1));
    if (out.protocol != "tcp" && out.protocol != "udp") return std::nullopt;
    text = text.substr(0, slash);
  }
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (parts.size() > 3) return std::nullopt;
  if (parts.size() == 3) {
    if (!is_ipv4(parts[0])) return std::nullopt;
    out.host_ip = std::string(parts[0]);
  }
  if (parts.size() >= 2) {
    const auto host_port = parts[parts.size() - 2];
    // "127.0.0.1::80" leaves the host port to Docker, as the docker CLI allows.
    if (!(host_port.empty() && parts.size() == 3) && !is_port(host_port)) return std::nullopt;
    out.host_port = std::string(host_port);
  }
  if (!is_port(parts.back())) return std::nullopt;
  out.container_port = std::string(parts.back());
  return out;
}

}  // namespace regsim
