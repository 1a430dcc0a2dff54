#pragma once
// The registry backend interface (upstream bridge.RegistryAdapter) and its error; building one
// from a URI is registry_factory.hpp, so the bridge does not see every backend.
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

}  // namespace registrator
