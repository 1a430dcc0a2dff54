#include "registrator/health/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace registrator {

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    error = "want IP:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got \"" + std::string(text) + "\"";
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  ListenAddress out;
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    error = "port must be a number from 0 to 65535, got \"" + std::string(port_text) + "\"";
    return std::nullopt;
  }
  out.port = static_cast<std::uint16_t>(port);
  if (host.empty()) {
    out.host = "0.0.0.0";
    return out;
  }
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  const std::string h(host);
  unsigned char buf[sizeof(in6_addr)];
  const bool v4 = !bracketed && inet_pton(AF_INET, h.c_str(), buf) == 1;
  const bool v6 = bracketed && inet_pton(AF_INET6, h.c_str(), buf) == 1;
  if (!v4 && !v6) {
    error = "host must be an IPv4 address or a bracketed IPv6 address, got \"" + std::string(text.substr(0, colon)) + "\"";
    return std::nullopt;
  }
  out.host = h;
  return out;
}

std::string to_string(const ListenAddress& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

}  // namespace registrator
