#pragma once
// Registry backends (upstream bridge.RegistryAdapter).
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "registrator/mapping/service.hpp"

namespace registrator {

/// A failed backend operation; what() names the peer and its message.
class RegistryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  RegistryError(const std::string& what, int http_status) : std::runtime_error(what), http_status_(http_status) {}
  /// The backend's HTTP status when it answered; 0 when it did not (connect/IO failure,
  /// timeout): then the request may or may not have been applied.
  int http_status() const noexcept { return http_status_; }

 private:
  int http_status_ = 0;
};

class RegistryBackend {
 public:
  virtual ~RegistryBackend() = default;
  /// Checks the backend is reachable. Throws RegistryError.
  virtual void ping() = 0;
  virtual void register_service(const Service& service) = 0;
  /// register_service() of each, in order: entry i is null, or what registering services[i]
  /// threw. A backend may send them together (Consul: pipelined). Never throws.
  virtual std::vector<std::exception_ptr> register_many(const std::vector<const Service*>& services);
  virtual void deregister(const Service& service) = 0;
  /// TTL refresh; a no-op for Consul, as upstream.
  virtual void refresh(const Service& service) = 0;
  /// Services currently known to the backend (id, name, port, ip, tags, attrs).
  virtual std::vector<Service> services() = 0;
};

using RegistryBackendPtr = std::unique_ptr<RegistryBackend>;

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
