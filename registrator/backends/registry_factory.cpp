#include "registrator/backends/registry_factory.hpp"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "registrator/backends/consul.hpp"
#include "registrator/backends/consulkv.hpp"
#include "registrator/backends/etcd_backend.hpp"

namespace registrator {

namespace {

bool valid_escapes(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return false;
    }
  }
  return true;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

http::Endpoint endpoint_from_address(std::string addr) {
  if (addr.rfind("unix://", 0) == 0) return http::Endpoint::unix_socket(addr.substr(7));
  if (addr.rfind("http://", 0) == 0) addr = addr.substr(7);
  if (!addr.empty() && addr[0] == '[') {
    auto close = addr.find(']');
    std::string host = addr.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    std::string port = close != std::string::npos && close + 2 <= addr.size() ? addr.substr(close + 2) : "80";
    return http::Endpoint::tcp(host, port.empty() ? "80" : port);
  }
  auto colon = addr.rfind(':');
  if (colon == std::string::npos) return http::Endpoint::tcp(addr, "80");
  return http::Endpoint::tcp(addr.substr(0, colon), addr.substr(colon + 1));
}

}  // namespace

ParsedUri parse_adapter_uri(const std::string& uri) {
  const std::invalid_argument bad("bad adapter uri: " + uri);
  for (unsigned char c : uri)
    if (c < 0x20 || c == 0x7f) throw bad;
  std::string rest = uri;
  if (auto hash = rest.find('#'); hash != std::string::npos) {
    if (!valid_escapes(rest.substr(hash + 1))) throw bad;
    rest.resize(hash);
  }
  ParsedUri out;
  // Go url.getScheme
  for (std::size_t i = 0; i < rest.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(rest[i]);
    if (std::isalpha(c)) continue;
    if (std::isdigit(c) || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;
      continue;
    }
    if (c == ':') {
      if (i == 0) throw bad;  // missing protocol scheme
      out.scheme = rest.substr(0, i);
      rest = rest.substr(i + 1);
    }
    break;
  }
  for (char& c : out.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto q = rest.find('?'); q != std::string::npos) rest.resize(q);
  if (out.scheme.empty()) {
    std::string first = rest.substr(0, rest.find('/'));
    if (first.find(':') != std::string::npos) throw bad;  // first path segment cannot contain colon
  }
  if (!out.scheme.empty() && !rest.empty() && rest[0] != '/') {
    // opaque ("consul:foo")
    out.path = rest;
    return out;
  }
  if (rest.rfind("//", 0) == 0) {
    rest = rest.substr(2);
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    out.path = slash == std::string::npos ? "" : rest.substr(slash);
    if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
    std::string port;
    if (!authority.empty() && authority[0] == '[') {
      auto close = authority.find(']');
      if (close == std::string::npos) throw bad;
      std::string after = authority.substr(close + 1);
      if (!after.empty()) {
        if (after[0] != ':') throw bad;
        port = after.substr(1);
      }
    } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
      port = authority.substr(colon + 1);
      if (authority.substr(0, colon).find(':') != std::string::npos) throw bad;
    }
    for (char c : port)
      if (!std::isdigit(static_cast<unsigned char>(c))) throw bad;  // invalid port
    if (!valid_escapes(authority)) throw bad;
    out.host = authority;
  } else {
    out.path = rest;
  }
  if (!valid_escapes(out.path)) throw bad;
  return out;
}

RegistryBackendPtr make_registry(const std::string& uri) {
  ParsedUri u = parse_adapter_uri(uri);
  const std::string token = env("CONSUL_HTTP_TOKEN");
  if (u.scheme == "consul") {
    std::string addr = u.host;
    if (addr.empty()) addr = env("CONSUL_HTTP_ADDR");
    if (addr.empty()) addr = "127.0.0.1:8500";
    return std::make_unique<ConsulBackend>(endpoint_from_address(addr), token);
  }
  if (u.scheme == "consul-unix") {
    std::string path = uri.substr(uri.find("://") == std::string::npos ? uri.size() : uri.find("://") + 3);
    if (path.empty()) throw std::invalid_argument("bad adapter uri: " + uri);
    return std::make_unique<ConsulBackend>(http::Endpoint::unix_socket(path), token);
  }
  if (u.scheme == "consulkv") {
    std::string addr = u.host;
    if (addr.empty()) addr = env("CONSUL_HTTP_ADDR");
    if (addr.empty()) addr = "127.0.0.1:8500";
    return std::make_unique<ConsulKvBackend>(endpoint_from_address(addr), u.path, token);
  }
  if (u.scheme == "consulkv-unix") {
    // Upstream splits the path at its first ':' into socket path and key prefix.
    auto colon = u.path.find(':');
    if (colon == std::string::npos || colon == 0) {
      throw std::invalid_argument("consulkv-unix: expected consulkv-unix:///path/to/socket:/prefix, got " + uri);
    }
    return std::make_unique<ConsulKvBackend>(http::Endpoint::unix_socket(u.path.substr(0, colon)),
                                             u.path.substr(colon + 1), token);
  }
  if (u.scheme == "etcd") {
    std::string addr = u.host.empty() ? "127.0.0.1:2379" : u.host;
    return std::make_unique<EtcdBackend>(EtcdClient(endpoint_from_address(addr)), etcd_layout(u.path));
  }
  if (u.scheme == "skydns2") {
    if (u.path.size() < 2) {
      throw std::invalid_argument("skydns2: dns domain required e.g.: skydns2://<host>/<domain>");
    }
    std::string addr = u.host.empty() ? "127.0.0.1:2379" : u.host;
    return std::make_unique<EtcdBackend>(EtcdClient(endpoint_from_address(addr)), skydns2_layout(u.path.substr(1)));
  }
  if (u.scheme == "consul-tls") {
    // As upstream: the URI's host, certificates from Consul's environment variables, the server
    // certificate always verified (no skip-verify).
    std::string addr = u.host;
    if (addr.empty()) addr = env("CONSUL_HTTP_ADDR");
    if (addr.empty()) addr = "127.0.0.1:8501";
    if (addr.find(':') == std::string::npos) addr += ":443";  // an https URL without a port
    http::Endpoint plain = endpoint_from_address(addr);
    auto tls = http::make_tls_context({env("CONSUL_CACERT"), env("CONSUL_CLIENT_CERT"), env("CONSUL_CLIENT_KEY")});
    return std::make_unique<ConsulBackend>(http::Endpoint::tcp_tls(plain.host, plain.port, std::move(tls)), token);
  }
  throw std::invalid_argument("unrecognized adapter: " + uri);
}

}  // namespace registrator
