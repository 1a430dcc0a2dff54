#pragma once
// The processes one scenario needs, started in order and stopped in reverse: one fake-consul,
// and per host one fake-docker and one registrator pointed at both. Everything they write goes
// to log files in the scenario's log directory.

#include "scenarios/regsim/processes/child_process.hpp"
#include "scenarios/regsim/running/command_lines.hpp"
#include "scenarios/regsim/peers/dns_client.hpp"
#include "scenarios/regsim/peers/docker_control.hpp"
#include "scenarios/regsim/processes/etcd_server.hpp"
#include "scenarios/regsim/netns/netns_topology.hpp"
#include "scenarios/regsim/running/registrator_flags.hpp"
#include "scenarios/regsim/run_options.hpp"
#include "scenarios/regsim/language/scenario.hpp"

#include "fakes/common/http/client.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace regsim {

class Reporter;

class ScenarioEnvironment {
 public:
  /// Starts everything and waits for the fakes to be ready; throws LaunchError (after stopping
  /// whatever had started) when something cannot start, Interrupted on Ctrl-C. With `netns`
  /// (--netns) it first builds that topology and enters its hub: the fakes, etcd and regsim's
  /// checks listen and ask on the hub's address, each registrator runs in its host's namespace.
  ScenarioEnvironment(const Scenario& scenario, const RunOptions& options, const std::filesystem::path& log_dir,
                      Reporter& reporter, const NetnsPlan* netns = nullptr);
  ~ScenarioEnvironment();
  ScenarioEnvironment(const ScenarioEnvironment&) = delete;
  ScenarioEnvironment& operator=(const ScenarioEnvironment&) = delete;

  /// The HTTP API of a datacenter's Consul ("" = the first datacenter).
  const fakes::http::Endpoint& consul_http(const std::string& datacenter = {}) const;
  /// Every datacenter's HTTP API, the first datacenter's first.
  std::vector<fakes::http::Endpoint> consul_https() const;
  /// The agent `host`'s registrator talks to (its own with agent_per_host, else its
  /// datacenter's shared one); "" = the first datacenter's shared agent.
  fakes::http::Endpoint consul_agent(const std::string& host) const;
  /// A datacenter's fake Consul process stops (connections refused), stays away for `downtime`
  /// and starts again on the same addresses with nothing registered. Throws LaunchError when it
  /// cannot.
  void restart_consul(const std::string& datacenter, Duration downtime);
  const DnsClient& dns(const std::string& datacenter = {}) const { return *site(datacenter).dns; }
  /// The scenario's etcd (client URL); throws LaunchError when the scenario has none.
  const fakes::http::Endpoint& etcd() const;
  DockerControl& docker(const std::string& host) { return dockers_.at(host); }
  /// How long building the --netns topology took (0 without --netns).
  Duration netns_setup_time() const { return netns_setup_time_; }

  /// Stops (SIGTERM) or starts the host's registrator with its original command line; the log
  /// continues in the same file. Throws LaunchError when starting fails or it already runs.
  void stop_registrator(const std::string& host);
  void start_registrator(const std::string& host);

  /// "registrator (host1) exited with status 1" for each process that has ended on its own
  /// (a registrator stopped by a step does not count).
  std::vector<std::string> ended_processes();
  std::vector<std::filesystem::path> log_files() const;

  /// A process of the environment that still runs: role is "fake-consul", "fake-docker" or
  /// "registrator" (for CPU and memory reports).
  struct RunningProcess {
    std::string role;
    pid_t pid = -1;
  };
  std::vector<RunningProcess> running_processes();
  /// Stops registrators, then fake-dockers, then fake-consul. Idempotent.
  void stop_all();

 private:
  // One datacenter's fake Consul: its process, addresses, DNS client and per-host agents.
  struct ConsulSite {
    std::string datacenter;
    std::unique_ptr<ChildProcess> process;
    fakes::http::Endpoint http;
    std::string dns_address;  // "127.0.0.1:PORT", kept across restarts
    std::unique_ptr<DnsClient> dns;
    std::map<std::string, std::string> agent_of_host;  // host -> its agent's "ADDR:PORT" (agent_per_host)
    std::map<std::string, std::string> agent_netns;    // host -> the namespace its agent listens in (--netns)
  };
  // With several datacenters, each fake-consul's HTTP address, chosen before any starts so that
  // each can be told where the others are (--wan), as Consul servers joined over the WAN.
  std::map<std::string, std::string> wan_http_;  // datacenter -> "IP:PORT"
  std::string netns_subnet_;  // with --netns: the bridge's network, where --wan peers live
  const ConsulSite& site(const std::string& datacenter) const;
  ConsulSite& site(const std::string& datacenter);
  // Starts the site's fake-consul on these addresses ("127.0.0.1:0" = any port) and waits for
  // its ready file.
  nlohmann::json launch_consul(ConsulSite& site, const std::string& http, const std::string& dns,
                               const std::vector<std::pair<std::string, std::string>>& agents);

  // Declared first so that it goes last: every process has stopped before the namespaces go.
  std::unique_ptr<NetnsTopology> netns_;
  Duration netns_setup_time_{0};
  std::vector<ConsulSite> sites_;  // one per datacenter, the first datacenter first
  const Scenario& scenario_;
  const RunOptions& options_;
  std::filesystem::path log_dir_;
  std::unique_ptr<EtcdServer> etcd_;  // only for the etcd and skydns2 backends
  std::vector<std::unique_ptr<ChildProcess>> fake_dockers_;
  struct Registrator {
    std::string host;
    LaunchSpec spec;
    std::unique_ptr<ChildProcess> process;  // null while stopped by a step
  };
  Registrator& registrator(const std::string& host);

  std::vector<Registrator> registrators_;
  std::map<std::string, DockerControl> dockers_;
};

}  // namespace regsim
