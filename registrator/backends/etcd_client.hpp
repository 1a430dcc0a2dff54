#pragma once
// A small client for etcd v3's JSON gateway (/v3/...), which etcd 3.4+ serves on its client
// URL. Only what the etcd and skydns2 backends need. int64 fields travel as JSON strings.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "registrator/http/http_client.hpp"
#include "registrator/backends/registry.hpp"

namespace registrator {

class EtcdClient {
 public:
  explicit EtcdClient(http::Endpoint endpoint, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// GET /version: the server's "etcdserver" version. Throws RegistryError.
  std::string version();
  /// Puts key=value, attached to `lease` when non-zero.
  void put(const std::string& key, const std::string& value, std::int64_t lease = 0);
  /// Deletes one key; returns how many keys were deleted (0 or 1).
  std::int64_t remove(const std::string& key);
  std::optional<std::string> get(const std::string& key);
  /// Every key starting with `prefix`, with its value.
  std::map<std::string, std::string> get_prefix(const std::string& prefix);
  /// A new lease of `ttl_seconds`; returns its id.
  std::int64_t grant_lease(std::int64_t ttl_seconds);
  /// One keep-alive; returns the lease's renewed TTL, 0 when the lease no longer exists.
  std::int64_t keep_alive(std::int64_t lease);
  void revoke_lease(std::int64_t lease);

  const http::Endpoint& endpoint() const { return endpoint_; }

 private:
  nlohmann::json post(const std::string& target, const nlohmann::json& body);
  /// One request; a transport failure becomes a RegistryError naming etcd.
  http::Response send(const http::Request& req);

  http::Endpoint endpoint_;
  std::chrono::milliseconds timeout_;
};

}  // namespace registrator
