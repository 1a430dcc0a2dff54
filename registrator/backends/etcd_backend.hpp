#pragma once
// The etcd and skydns2 backends over etcd v3 (upstream used the v2 API, which etcd 3.4+ no
// longer serves by default). A service with a TTL gets its own lease: register grants a lease and
// puts the key on it; refresh sends one keep-alive (re-registering when the lease has expired);
// deregister deletes the key and revokes the lease. services() is empty, as upstream.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "registrator/backends/etcd_client.hpp"
#include "registrator/backends/etcd_layouts.hpp"
#include "registrator/backends/registry.hpp"

namespace registrator {

class EtcdBackend : public RegistryBackend {
 public:
  EtcdBackend(EtcdClient client, EtcdLayout layout);

  void ping() override;
  void register_service(const Service& service) override;
  void deregister(const Service& service) override;
  void refresh(const Service& service) override;
  std::vector<Service> services() override;

  EtcdClient& client() { return client_; }
  const EtcdLayout& layout() const { return layout_; }
  /// The lease a key is attached to (0: none). For tests.
  std::int64_t lease_of(const std::string& key) const;

 private:
  void write(const Service& service);

  EtcdClient client_;
  EtcdLayout layout_;
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t> leases_;  ///< key -> lease id
};

}  // namespace registrator
