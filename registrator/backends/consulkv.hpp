#pragma once
// Consul KV backend (upstream consulkv/consulkv.go): one key per service,
// <prefix>/<name>/<id> = "ip:port". No TTL, no health checks, services() is empty as upstream.
#include <chrono>
#include <string>

#include "registrator/http/http_client.hpp"
#include "registrator/backends/registry.hpp"

namespace registrator {

/// The KV key of a service: prefix without its leading '/', then "/<name>/<id>".
/// ("/services", web-80, host:web:80) -> "services/web-80/host:web:80", as upstream r.path[1:].
std::string consulkv_key(const std::string& prefix, const Service& service);

class ConsulKvBackend : public RegistryBackend {
 public:
  /// `prefix` is the URI path, e.g. "/services".
  ConsulKvBackend(http::Endpoint endpoint, std::string prefix, std::string token,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  void ping() override;
  void register_service(const Service& service) override;
  void deregister(const Service& service) override;
  void refresh(const Service& service) override;
  std::vector<Service> services() override;

  const http::Endpoint& endpoint() const { return endpoint_; }
  const std::string& prefix() const { return prefix_; }

 private:
  http::Response call(const std::string& method, const std::string& target, std::string body = {});
  std::string kv_target(const Service& service) const;

  http::Endpoint endpoint_;
  std::string prefix_;
  std::string token_;
  std::chrono::milliseconds timeout_;
};

}  // namespace registrator
