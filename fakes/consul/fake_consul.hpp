#pragma once
// FakeConsul: one agent's worth of Consul — HTTP API, optional DNS, TTL expiry — on a single
// io_context thread, plus a control API for scenarios (check states, losing state, injected
// faults, request log). Control methods may be called from any thread: they run on the io
// thread and wait, so that thread must be running (or be the caller).

#include "fakes/consul/checks/check_runner.hpp"
#include "fakes/consul/datacenters/wan_forwarder.hpp"
#include "fakes/consul/requests/request_log.hpp"
#include "fakes/consul/state/agent_config.hpp"
#include "fakes/consul/state/catalog.hpp"
#include "fakes/consul/state/clock.hpp"

#include "fakes/common/http/server.hpp"
#include "fakes/dns/answers/dns_config.hpp"

#include <boost/asio/io_context.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fakes::consul {

/// Another agent of the simulated cluster: its own node and HTTP listener, the same catalog.
struct ExtraAgent {
  std::string node;
  std::string address;     // listens here, and is the node's address
  std::uint16_t port = 0;  // 0 = any free port
  /// Network namespace file (e.g. /var/run/netns/X) the listener is bound in; "" = this one.
  std::string netns;
  /// Its datacenter; "" = the first agent's (--datacenter). Each datacenter has its own catalog.
  std::string datacenter;
};

struct FakeConsulOptions {
  AgentConfig agent;
  std::vector<ExtraAgent> agents;  // --agent NAME=ADDR:PORT
  /// Datacenters served by other fake-consul processes (--wan DC=ADDR:PORT): ?dc= requests
  /// for them are relayed to that HTTP listener.
  std::vector<WanPeer> wan;
  std::string http_address = "127.0.0.1";
  std::uint16_t http_port = 0;  // 0 = any free port
  std::optional<std::string> http_unix_socket;
  /// HTTPS listener (Consul's ports.https): same API, TLS with these files.
  std::optional<std::string> https_address;
  std::uint16_t https_port = 0;
  fakes::http::TlsListenerOptions tls;
  std::optional<std::string> dns_address;  // no DNS listener when unset
  std::uint16_t dns_port = 0;
  fakes::dns::DnsConfig dns;  // domain/datacenter are filled from `agent`
  std::size_t body_limit = 1 << 20;
  /// A connection must deliver each request (headers and body) within this many seconds of
  /// the previous one or it is closed: slowloris clients cannot hold the server.
  int request_timeout_seconds = 60;
  /// Probe HTTP and TCP checks for real (only addresses inside checks.allowed).
  bool run_checks = false;
  CheckRunnerOptions checks;
  /// The critical-service reaper: Consul runs it every check_reap_interval (30 s) and counts a
  /// DeregisterCriticalServiceAfter below check_deregister_interval_min (1 min) as that minimum.
  /// Both 0 by default: the fake reaps exactly when due, so tests can use short times.
  std::chrono::milliseconds reap_interval{0};
  std::chrono::milliseconds deregister_critical_min{0};
  /// Every agent's anti-entropy sync (Consul: about a minute, scaled up in large clusters):
  /// re-asserts what a /v1/catalog write took from the agent's node. 0 = only on request.
  std::chrono::milliseconds anti_entropy_interval{std::chrono::minutes(1)};
  /// Time source for TTL checks; nullptr = the steady clock, with expiry driven by a timer.
  /// With another clock, call expire_ttl_checks() after moving it.
  const Clock* clock = nullptr;
};

class FakeConsul {
 public:
  /// Binds the listeners (throws boost::system::system_error when it cannot) and registers
  /// the agent's node. Construct on the io thread or before it runs.
  FakeConsul(boost::asio::io_context& io, FakeConsulOptions options);
  ~FakeConsul();
  FakeConsul(const FakeConsul&) = delete;
  FakeConsul& operator=(const FakeConsul&) = delete;

  std::uint16_t http_port() const;
  /// The extra agents' HTTP ports, in the order of options.agents.
  std::vector<std::uint16_t> agent_ports() const;
  /// The HTTPS port, when an HTTPS listener was asked for.
  std::optional<std::uint16_t> https_port() const;
  std::optional<std::uint16_t> dns_port() const;
  const FakeConsulOptions& options() const;

  /// Closes listeners, answers parked blocking queries, stops timers. Idempotent; io thread.
  void stop();

  // ---- control API (any thread) ----
  /// Sets any check of the agent's node; false when the check ID is unknown.
  bool set_check_status(const std::string& check_id, HealthStatus status, const std::string& output = "");
  /// "The agent lost its state": drops every service and check it registered (for -resync).
  std::size_t deregister_all();
  void add_fault(FaultRule rule);
  void clear_faults();
  std::vector<RequestRecord> request_log();
  void clear_request_log();
  /// Cuts every open HTTP connection (blocking queries included); listeners stay.
  void close_connections();
  /// Expires TTL checks against the configured clock now; returns how many turned critical.
  std::size_t expire_ttl_checks();
  /// Runs every agent's anti-entropy sync now; returns how many catalog entries changed.
  std::size_t anti_entropy_sync();
  /// Agent services and checks plus the catalog index, for debugging and assertions.
  nlohmann::json state();
  /// Runs f(catalog) on the io thread and returns its result.
  template <class F>
  auto with_catalog(F f) -> decltype(f(std::declval<Catalog&>())) {
    using R = decltype(f(std::declval<Catalog&>()));
    if constexpr (std::is_void_v<R>) {
      run_on_io([&] { f(catalog()); });
    } else {
      std::optional<R> result;
      run_on_io([&] { result.emplace(f(catalog())); });
      return std::move(*result);
    }
  }

  /// io thread only.
  Catalog& catalog();

  struct Impl;

 private:
  void run_on_io(const std::function<void()>& f);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fakes::consul
