#pragma once
// Consul agent backend (upstream consul/consul.go).
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registrator/http/http_client.hpp"
#include "registrator/backends/registry.hpp"

namespace registrator {

/// The Check object for a service from its check_* attrs, exactly like upstream buildCheck();
/// nullopt when there is no check. Keys appear in Consul api.AgentServiceCheck field order.
std::optional<nlohmann::ordered_json> build_consul_check(const Service& service);

/// The body of PUT /v1/agent/service/register (api.AgentServiceRegistration as Go marshals it).
/// Meta is consul_meta(attrs).kept: what the agent accepts.
nlohmann::ordered_json build_consul_registration(const Service& service);

/// A service's attributes split by what a Consul agent accepts as Meta (its limits: keys of at
/// most 128 characters from [A-Za-z0-9_-] without the reserved "consul-" prefix, values of at
/// most 512 characters, 64 pairs). Upstream sends everything and the agent refuses the whole
/// registration (`400 Invalid Service Meta`), forever; we register without the offending keys.
struct ConsulMeta {
  std::map<std::string, std::string> kept;
  /// One entry per dropped key: `Meta key "foo.bar" has characters outside [A-Za-z0-9_-]`.
  std::vector<std::string> dropped;
};
/// Invalid keys are dropped first; of the valid ones the first 64 in key order are kept.
ConsulMeta consul_meta(const std::map<std::string, std::string>& attrs);

class ConsulBackend : public RegistryBackend {
 public:
  ConsulBackend(http::Endpoint endpoint, std::string token,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // RegistryBackend
  void ping() override;
  void register_service(const Service& service) override;
  /// Pipelined on the kept connection (a registration is safe to repeat); the ones left
  /// unanswered are sent again one by one.
  std::vector<std::exception_ptr> register_many(const std::vector<const Service*>& services) override;
  void deregister(const Service& service) override;
  void refresh(const Service& service) override;
  std::vector<Service> services() override;

  const http::Endpoint& endpoint() const { return endpoint_; }

 private:
  http::Request request(const std::string& method, const std::string& target, std::string body = {}) const;
  http::Response call(const std::string& method, const std::string& target, std::string body = {});
  /// Throws RegistryError for an answer other than 200.
  http::Response checked(http::Response r) const;
  /// Logs the Meta pairs the agent would refuse; returns the registration body without them.
  std::string registration_body(const Service& service) const;

  http::Endpoint endpoint_;
  std::string token_;
  std::chrono::milliseconds timeout_;
  http::Client client_;
};

}  // namespace registrator
