#pragma once
// Owns the container id -> services map and drives the registry (upstream bridge/bridge.go).
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "registrator/config.hpp"
#include "registrator/docker_client.hpp"
#include "registrator/registry.hpp"
#include "registrator/service.hpp"

namespace registrator {

class Bridge {
 public:
  using Resolver = std::function<std::optional<std::string>(const std::string& host)>;

  /// `config.hostname` must already be final (main fills in the OS hostname).
  Bridge(DockerClient& docker, RegistryBackend& registry, Config config, Resolver resolver = {});

  /// Lists running containers and adds each unknown one (re-registers known ones);
  /// with -cleanup also removes stale and dangling services. quiet=false: a failing list
  /// throws DockerError (upstream exits); quiet=true: it is logged and skipped.
  void sync(bool quiet);
  /// After an event-stream reconnect: sync(quiet) and remove containers that are no longer running.
  void reconcile();
  /// Inspects the container, registers its services and remembers them.
  void add(const std::string& container_id);
  /// Deregisters all services of the container.
  void remove(const std::string& container_id);
  /// "die" handling: with -deregister on-success removes only if the exit code is 0 or has the
  /// signal bit (128) set. `exit_code` comes from the event; if absent the container is inspected.
  void remove_on_exit(const std::string& container_id, std::optional<int> exit_code);
  /// TTL refresh of all services (-ttl-refresh).
  void refresh();
  /// Dispatches a container event: start -> add, die -> remove_on_exit.
  void handle_event(const DockerEvent& event);

  /// Snapshot of the registered services per container id.
  std::map<std::string, std::vector<Service>> services() const;

 private:
  struct DeadContainer {
    std::int64_t ttl = 0;
    std::vector<Service> services;
  };
  void add_locked(const std::string& container_id, bool quiet);
  void remove_locked(const std::string& container_id, bool deregister);
  bool should_remove(const std::string& container_id, std::optional<int> exit_code);
  void cleanup_locked();

  DockerClient& docker_;
  RegistryBackend& registry_;
  Config config_;
  Resolver resolver_;
  mutable std::recursive_mutex mu_;
  std::map<std::string, std::vector<Service>> services_;
  std::map<std::string, DeadContainer> dead_;
};

}  // namespace registrator
