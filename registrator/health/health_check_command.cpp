#include "registrator/health/health_check_command.hpp"

#include <exception>

#include "registrator/http/http_client.hpp"

namespace registrator {
namespace {

bool all_digits(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

// The body on one line (Docker keeps the probe's output in State.Health.Log).
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text.size() > 400 ? text.substr(0, 400) + "..." : text;
}

}  // namespace

std::optional<ProbeUrl> parse_probe_url(std::string_view text, std::string& error) {
  constexpr std::string_view scheme = "http://";
  if (text.substr(0, scheme.size()) != scheme) {
    error = "must start with http:// (the health endpoint of -health-addr is plain HTTP)";
    return std::nullopt;
  }
  std::string_view rest = text.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  ProbeUrl url;
  url.path = slash == std::string_view::npos ? "/health" : std::string(rest.substr(slash));
  if (url.path.find_first_of("?# ") != std::string::npos) {
    error = "no query, fragment or space in the path: " + url.path;
    return std::nullopt;
  }
  if (authority.find('@') != std::string_view::npos) {
    error = "no user information before the host";
    return std::nullopt;
  }
  std::string_view host, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || close + 1 >= authority.size() || authority[close + 1] != ':') {
      error = "an IPv6 host is written [ADDR]:PORT";
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    port = authority.substr(close + 2);
  } else {
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) {
      error = "needs a port: http://HOST:PORT/health";
      return std::nullopt;
    }
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) {
    error = "needs a host: http://HOST:PORT/health";
    return std::nullopt;
  }
  if (!all_digits(port) || port.size() > 5 || std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
    error = "port must be 1-65535, not \"" + std::string(port) + "\"";
    return std::nullopt;
  }
  url.host = host;
  url.port = port;
  return url;
}

int run_health_check(const ProbeUrl& url, std::ostream& out, std::chrono::milliseconds timeout) {
  http::Request request;
  request.target = url.path;
  try {
    const auto response = http::send(http::Endpoint::tcp(url.host, url.port), request, timeout);
    if (response.status == 200) {
      out << "healthy: " << one_line(response.body) << "\n";
      return 0;
    }
    out << "unhealthy: HTTP " << response.status << ": " << one_line(response.body) << "\n";
  } catch (const std::exception& e) {
    out << "unhealthy: no answer from " << url.host << ":" << url.port << ": " << e.what() << "\n";
  }
  return 1;
}

}  // namespace registrator
