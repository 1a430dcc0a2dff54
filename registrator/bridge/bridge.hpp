#pragma once
// Owns the container id -> services map and drives the registry (upstream bridge/bridge.go).
//
// Concurrency: a Bridge has one owner, the thread that constructed it (registrator's main
// thread, which runs run_bridge_loop(); a test's thread), and takes no lock. Nothing else calls
// it: the event stream reader and the inspect prefetcher are helper threads that only feed the
// owner (through the event queue, through InspectPrefetcher::next()). Debug builds check this.
// The implementation is split by job: bridge.cpp (add, remove, event dispatch), bridge_sync.cpp
// (sync, reconcile, cleanup), bridge_retry.cpp (pending registrations, deregistrations, inspects,
// reconciles), bridge_ttl.cpp (-ttl-refresh).
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "registrator/app/config.hpp"
#include "registrator/app/log.hpp"
#include "registrator/docker/docker_client.hpp"
#include "registrator/docker/inspect_prefetcher.hpp"
#include "registrator/backends/registry.hpp"
#include "registrator/mapping/service.hpp"

namespace registrator {

class Bridge {
 public:
  using Resolver = std::function<std::optional<std::string>(const std::string& host)>;
  using Clock = std::chrono::steady_clock;
  using NowFn = std::function<Clock::time_point()>;

  /// Back-off of pending retries: first retry `initial` after the failure, doubling up to `max`.
  /// A service's back-off starts again from `initial` once an attempt succeeds.
  struct RetryPolicy {
    std::chrono::milliseconds initial{250};
    std::chrono::milliseconds max{10'000};
  };

  /// `config.hostname` must already be final (main fills in the OS hostname). The calling thread
  /// becomes the owner: every later call must come from it.
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

  /// Failed registrations and deregistrations are kept, per service ID, and retried by
  /// retry_pending() until they succeed; so are a container's failed inspect (any failure but
  /// "no such container") and a reconcile whose container list failed. A service is in at most one of the two states; a later
  /// start or die of its container supersedes what is pending.
  /// Retries every pending operation that is due at now() (the injected clock).
  void retry_pending();
  /// When the next pending operation is due; nullopt when nothing is pending.
  std::optional<Clock::time_point> next_retry() const;
  /// Container IDs whose inspect failed and will be tried again.
  std::vector<std::string> pending_inspects() const;
  /// Service IDs with a pending registration / deregistration.
  std::vector<std::string> pending_registrations() const;
  std::vector<std::string> pending_deregistrations() const;
  /// Tests: a fake clock and a different back-off.
  void set_clock(NowFn now);
  void set_retry_policy(RetryPolicy policy);

 private:
  struct DeadContainer {
    std::int64_t ttl = 0;
    std::vector<Service> services;
  };
  struct Pending {
    enum class Op { Register, Deregister };
    Op op = Op::Register;
    std::string container_id;  ///< full id, for the log line and services_
    Service service;
    std::chrono::milliseconds delay{0};  ///< current back-off
    Clock::time_point due;
    /// Register only: an attempt may have reached the backend (no answer), so it may be registered.
    bool maybe_applied = false;
  };
  /// A container whose inspect failed (transport error, garbage JSON, 5xx): added again later.
  struct PendingInspect {
    // A declared constructor, not default member initializers: clang 14 does not see those of
    // a nested class as default-constructible inside the enclosing class (optional::emplace()).
    PendingInspect() : delay(0) {}
    std::chrono::milliseconds delay;
    Clock::time_point due;
  };
  /// `prefetched`: the container's inspect, already done (start-up sync); else inspects now.
  void add_one(const std::string& container_id, bool quiet, std::optional<Inspected> prefetched = std::nullopt);
  /// What adding a container will log and register, its inspect done and its state
  /// (dead_, pending_inspects_) updated; add_one() logs `lines`, then registers `services`.
  struct PreparedAdd {
    std::string container_id;  ///< as inspect names it
    std::vector<log::Line> lines;
    std::vector<Service> services;
  };
  PreparedAdd prepare_add(const std::string& container_id, bool quiet, std::optional<Inspected> prefetched);
  /// Containers whose registrations sync() sends to the registry in one register_many().
  static constexpr std::size_t kRegisterBatch = 32;
  void try_register(const std::string& container_id, Service service);
  /// Bookkeeping and log of one registration attempt (`error`: what it threw, or null).
  void registered(const std::string& container_id, Service service, std::exception_ptr error);
  void try_deregister(const std::string& container_id, const Service& service);
  void schedule_retry(Pending& p, Clock::time_point now);
  void schedule_retry(PendingInspect& p, Clock::time_point now);
  void drop_pending_registrations(const std::string& container_id, bool deregister);
  void remove_container(const std::string& container_id, bool deregister);
  bool should_remove(const std::string& container_id, std::optional<int> exit_code);
  void cleanup();

  DockerClient& docker_;
  RegistryBackend& registry_;
  Config config_;
  Resolver resolver_;
  std::map<std::string, std::vector<Service>> services_;
  std::map<std::string, DeadContainer> dead_;
  std::map<std::string, Pending> pending_;  ///< service id -> pending operation
  std::map<std::string, PendingInspect> pending_inspects_;  ///< container id -> next add attempt
  /// A reconcile whose container list failed (after an event-stream reconnect) is tried again.
  std::optional<PendingInspect> pending_reconcile_;
  NowFn now_ = [] { return Clock::now(); };
  RetryPolicy policy_;
  /// Debug builds: the thread every call must come from (see the top of this file).
  void check_owner() const;
  std::thread::id owner_ = std::this_thread::get_id();
};

}  // namespace registrator
