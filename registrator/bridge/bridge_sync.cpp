// Whole-host passes: sync (start-up, -resync), reconcile after an event-stream reconnect, and
// -cleanup of stale and dangling services.
#include "registrator/bridge/bridge.hpp"

#include <regex>
#include <set>

#include "registrator/app/log.hpp"

namespace registrator {

void Bridge::sync(bool quiet) {
  check_owner();
  std::vector<std::string> ids;
  try {
    ids = docker_.list_containers();
  } catch (const std::exception& e) {
    if (!quiet) throw;
    log::write(log::Level::error, std::string("error listing containers, skipping sync: ") + e.what(),
               {{"event", "list failed"}, {"error", e.what()}});
    return;
  }
  log::write(log::Level::info, "Syncing services on " + std::to_string(ids.size()) + " containers",
             {{"event", "sync"}, {"containers", std::to_string(ids.size())}});
  // Unknown containers are inspected a window ahead on another thread (their own Docker
  // requests, in list order), so Docker's and the registry's round trips overlap.
  std::vector<std::string> unknown;
  for (const auto& id : ids)
    if (!services_.count(id)) unknown.push_back(id);
  constexpr std::size_t kInspectWindow = 64;
  InspectPrefetcher prefetch(docker_, unknown, kInspectWindow);
  std::vector<char> is_unknown(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) is_unknown[i] = !services_.count(ids[i]);
  for (std::size_t i = 0; i < ids.size();) {
    if (is_unknown[i]) {
      // A run of unknown containers is added as a batch: their registrations go to the registry
      // together (register_many), and the log reads as if each were added in turn.
      std::vector<PreparedAdd> batch;
      for (; i < ids.size() && is_unknown[i] && batch.size() < kRegisterBatch; ++i)
        batch.push_back(prepare_add(ids[i], quiet, prefetch.next()));
      std::vector<const Service*> services;
      for (const auto& added : batch)
        for (const auto& service : added.services) services.push_back(&service);
      auto errors = registry_.register_many(services);
      std::size_t k = 0;
      for (auto& added : batch) {
        for (const auto& line : added.lines) log::write(line);
        for (auto& service : added.services) registered(added.container_id, std::move(service), errors[k++]);
      }
      continue;
    }
    for (const auto& service : services_.find(ids[i])->second) {
      try {
        registry_.register_service(service);
      } catch (const std::exception& e) {
        log::write(log::Level::error, "sync register failed: " + service.id + " " + e.what(),
                   {{"event", "register failed"}, {"container_id", log::id12(ids[i])}, {"service_id", service.id},
                    {"error", e.what()}});
      }
    }
    ++i;
  }
  if (config_.cleanup) cleanup();
}

void Bridge::reconcile() {
  check_owner();
  std::vector<std::string> running;
  try {
    running = docker_.list_containers();
  } catch (const std::exception& e) {
    // Events missed while disconnected are only recovered by this list: try it again later.
    if (!pending_reconcile_) pending_reconcile_.emplace();
    schedule_retry(*pending_reconcile_, now_());
    log::write(log::Level::error,
               std::string("error listing containers, reconcile again in ") +
                   std::to_string(pending_reconcile_->delay.count()) + " ms: " + e.what(),
               {{"event", "list failed"}, {"error", e.what()}});
    return;
  }
  pending_reconcile_.reset();
  std::set<std::string> alive(running.begin(), running.end());
  std::vector<std::string> gone;
  for (const auto& [id, _] : services_)
    if (!alive.count(id)) gone.push_back(id);
  for (const auto& id : gone) {
    log::write(log::Level::info, "stale: container " + log::id12(id) + " is no longer running",
               {{"event", "stale"}, {"container_id", log::id12(id)}});
    remove_container(id, should_remove(id, std::nullopt));
  }
  sync(true);
}

void Bridge::cleanup() {
  log::write(log::Level::debug, "Listing non-exited containers");
  std::vector<std::string> non_exited;
  try {
    non_exited = docker_.list_containers({"created", "restarting", "running", "paused"});
  } catch (const std::exception& e) {
    log::write(log::Level::error, std::string("error listing nonExitedContainers, skipping sync ") + e.what(),
               {{"event", "cleanup failed"}, {"error", e.what()}});
    return;
  }
  std::set<std::string> alive(non_exited.begin(), non_exited.end());
  std::vector<std::string> stale;
  for (const auto& [id, _] : services_)
    if (!alive.count(id)) stale.push_back(id);
  for (const auto& id : stale) {
    log::write(log::Level::info, "stale: Removing service " + id + " because it does not exist",
               {{"event", "stale"}, {"container_id", log::id12(id)}});
    remove_container(id, should_remove(id, std::nullopt));
  }

  log::write(log::Level::debug, "Cleaning up dangling services");
  std::vector<Service> external;
  try {
    external = registry_.services();
  } catch (const std::exception& e) {
    log::write(log::Level::error, std::string("cleanup failed: ") + e.what(),
               {{"event", "cleanup failed"}, {"error", e.what()}});
    return;
  }
  static const std::regex pattern(R"(^(.+?):([a-zA-Z0-9][a-zA-Z0-9_.-]+):[0-9]+(?::udp)?$)");
  for (const auto& ext : external) {
    std::smatch m;
    if (!std::regex_match(ext.id, m, pattern)) continue;  // not registered by us
    if (m[1].str() != config_.hostname) continue;          // registered on a different host
    const std::string container_name = m[2].str();
    bool known = false;
    for (const auto& [_, services] : services_) {
      for (const auto& s : services) {
        if (s.name == ext.name && s.origin.container_name == container_name) known = true;
      }
    }
    if (known) continue;
    log::write(log::Level::info, "dangling: " + ext.id, {{"event", "dangling"}, {"service_id", ext.id}});
    try {
      registry_.deregister(ext);
    } catch (const std::exception& e) {
      log::write(log::Level::error, "deregister failed: " + ext.id + " " + e.what(),
                 {{"event", "deregister failed"}, {"service_id", ext.id}, {"error", e.what()}});
      continue;
    }
    log::write(log::Level::info, ext.id + " removed", {{"event", "removed"}, {"service_id", ext.id}});
  }
}

}  // namespace registrator
