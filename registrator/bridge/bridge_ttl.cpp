// -ttl-refresh: keeps the registrations' TTLs alive, and after -ttl forgets the services of
// containers that died without being deregistered (kept until then so a restart finds them).
#include "registrator/bridge/bridge.hpp"

#include <iterator>

#include "registrator/app/log.hpp"

namespace registrator {

void Bridge::refresh() {
  check_owner();
  for (auto it = dead_.begin(); it != dead_.end();) {
    it->second.ttl -= config_.ttl_refresh;
    it = it->second.ttl <= 0 ? dead_.erase(it) : std::next(it);
  }
  for (const auto& [id, services] : services_) {
    for (const auto& service : services) {
      try {
        registry_.refresh(service);
      } catch (const std::exception& e) {
        log::write(log::Level::error, "refresh failed: " + service.id + " " + e.what(),
                   {{"event", "refresh failed"}, {"container_id", log::id12(id)}, {"service_id", service.id}, {"error", e.what()}});
        continue;
      }
      log::write(log::Level::info, "refreshed: " + log::id12(id) + " " + service.id,
                 {{"event", "refreshed"}, {"container_id", log::id12(id)}, {"service_id", service.id}});
    }
  }
}

}  // namespace registrator
