#pragma once
// Reads the fake Consul's per-service lists over HTTP, as
// `curl http://HOST:8500/v1/catalog/service/NAME` and `.../v1/health/checks/NAME` would.

#include "fakes/common/http/client.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace regsim {

class ConsulError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The JSON array of catalog entries; throws ConsulError when Consul is unreachable or
/// answers anything but 200 with JSON. A non-empty `datacenter` is asked for with ?dc=.
nlohmann::json fetch_catalog_service(const fakes::http::Endpoint& consul, const std::string& service,
                                     const std::string& datacenter = {});

/// GET /v1/catalog/services: an object service name -> tags; throws as above.
nlohmann::json fetch_catalog_services(const fakes::http::Endpoint& consul);

/// The JSON array of the service's health checks (GET /v1/health/checks/NAME); throws as above.
nlohmann::json fetch_health_checks(const fakes::http::Endpoint& consul, const std::string& service,
                                   const std::string& datacenter = {});

}  // namespace regsim
