#include "registrator/backends/etcd_backend.hpp"

#include "registrator/app/log.hpp"

namespace registrator {

EtcdBackend::EtcdBackend(EtcdClient client, EtcdLayout layout)
    : client_(std::move(client)), layout_(std::move(layout)) {}

void EtcdBackend::ping() { client_.version(); }

std::int64_t EtcdBackend::lease_of(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = leases_.find(key);
  return it == leases_.end() ? 0 : it->second;
}

void EtcdBackend::write(const Service& service) {
  const std::string key = layout_.key(service);
  std::int64_t lease = service.ttl > 0 ? client_.grant_lease(service.ttl) : 0;
  client_.put(key, layout_.value(service), lease);
  std::int64_t previous = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto it = leases_.find(key); it != leases_.end()) previous = it->second;
    if (lease != 0) leases_[key] = lease;
    else leases_.erase(key);
  }
  // The key now lives on the new lease; the old one would only linger until it expired.
  if (previous != 0 && previous != lease) {
    try {
      client_.revoke_lease(previous);
    } catch (const RegistryError&) {
    }
  }
}

void EtcdBackend::register_service(const Service& service) {
  try {
    write(service);
  } catch (const RegistryError& e) {
    log::write(log::Level::error, layout_.backend + ": failed to register service: " + e.what(),
               {{"backend", layout_.backend}, {"service_id", service.id}, {"error", e.what()}});
    throw;
  }
}

void EtcdBackend::deregister(const Service& service) {
  const std::string key = layout_.key(service);
  std::int64_t lease = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto it = leases_.find(key); it != leases_.end()) {
      lease = it->second;
      leases_.erase(it);
    }
  }
  try {
    client_.remove(key);
    if (lease != 0) client_.revoke_lease(lease);
  } catch (const RegistryError& e) {
    log::write(log::Level::error, layout_.backend + ": failed to deregister service: " + e.what(),
               {{"backend", layout_.backend}, {"service_id", service.id}, {"error", e.what()}});
    throw;
  }
}

void EtcdBackend::refresh(const Service& service) {
  const std::int64_t lease = lease_of(layout_.key(service));
  // Upstream refresh re-sets the key with its TTL; keeping the lease alive is the v3 equivalent.
  if (lease != 0 && client_.keep_alive(lease) > 0) return;
  register_service(service);
}

std::vector<Service> EtcdBackend::services() { return {}; }

}  // namespace registrator
