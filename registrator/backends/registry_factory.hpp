#pragma once
// Builds the backend a registry URI names (upstream's adapter factories): the one place that
// knows every backend (consul, consulkv, etcd, skydns2).
#include <string>

#include "registrator/backends/registry.hpp"

namespace registrator {

/// Builds a backend from a registry URI ("consul://host:port", "consul-unix:///path").
/// Throws std::invalid_argument "bad adapter uri: <uri>" or "unrecognized adapter: <uri>".
/// Reads CONSUL_HTTP_TOKEN and (for an empty consul host) CONSUL_HTTP_ADDR from the environment.
RegistryBackendPtr make_registry(const std::string& uri);

/// A parsed URI (subset of Go net/url used by upstream).
struct ParsedUri {
  std::string scheme;  ///< lower-cased
  std::string host;    ///< host[:port]
  std::string path;
};
/// Throws std::invalid_argument("bad adapter uri: <uri>") where Go's url.Parse would fail.
ParsedUri parse_adapter_uri(const std::string& uri);

}  // namespace registrator
