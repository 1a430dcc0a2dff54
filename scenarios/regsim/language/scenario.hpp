#pragma once
// The scenario model: what scenarios/README.md documents, after parsing and validation.
// Strings that may hold templates ("{{ip host1/web5}}") are kept as written and expanded when
// their step runs.

#include "scenarios/regsim/language/compose/compose_project.hpp"
#include "scenarios/regsim/language/duration.hpp"
#include "scenarios/regsim/language/publish_spec.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace regsim {

struct ConsulSpec {
  std::string datacenter = "dc1";  // the first (default) datacenter
  /// Every datacenter, the first being `datacenter`. Each is a fake Consul process of its own
  /// (its catalog, its DNS, its agents); hosts name theirs.
  std::vector<std::string> datacenters = {"dc1"};
  std::string node = "node1";
  /// Each host's registrator talks to its own agent (node = the host's name, listening on its
  /// own loopback address), all agents sharing one catalog, as on a real cluster. Default: every
  /// registrator talks to the one agent `node`.
  bool agent_per_host = false;
  /// Consul's dns_config for every fake Consul (fake-consul's --dns-* flags); each is left at
  /// Consul's default when not given.
  struct Dns {
    std::string domain;                          // "consul"
    std::string alt_domain;                      // none
    std::string node_ttl;                        // "0s"
    std::map<std::string, std::string> service_ttl;  // "web" / "api*" / "*" -> "30s"
    std::optional<int> udp_answer_limit;         // 3
    std::optional<int> a_record_limit;           // 0 = all
    bool only_passing = false;
    bool enable_truncate = false;
    bool operator==(const Dns&) const = default;
  } dns;
};

/// Where the registrators write: Consul (the default: the fake Consul's agent API), or a real
/// etcd that regsim starts, written by registrator's etcd:// or skydns2:// backend.
enum class RegistryBackend { consul, etcd, skydns2 };

struct RegistrySpec {
  RegistryBackend backend = RegistryBackend::consul;
  /// The URI's path: etcd's key prefix ("/services"), SkyDNS's domain ("skydns.local").
  std::string path;
};

struct RegistratorSpec {
  std::string binary;             // empty = registrator next to regsim (or --registrator)
  std::vector<std::string> args;  // passed verbatim, before the consul:// URI
};

/// The host's fake-docker, where it differs from the default engine.
struct DockerSpec {
  std::string api_version;      // --api-version ("1.52"): the highest the engine speaks
  std::string min_api_version;  // --min-api-version
  std::string bridge_subnet;    // --bridge-subnet ("172.20.0.0/16"): where docker0's containers live
  nlohmann::json images = nlohmann::json::object();  // over the scenario's images, for this host only
  bool empty() const { return api_version.empty() && min_api_version.empty() && bridge_subnet.empty() && images.empty(); }
};

struct HostSpec {
  std::string name;
  std::string ip;  // external IP; when set, registrator gets -ip=IP unless args name -ip
  RegistratorSpec registrator;
  std::string datacenter;  // its agent's datacenter; "" = the first
  DockerSpec docker;
};

/// docker run -d --name NAME [-e K=V]... [--label K=V]... [-p PUBLISH]... [--network NET] IMAGE
struct RunAction {
  std::string host;
  std::string name;
  std::string image;
  std::vector<std::pair<std::string, std::string>> env;  // values may hold templates
  std::map<std::string, std::string> labels;             // values may hold templates
  std::vector<PortPublish> publish;
  std::string network = "default";
};

/// Container churn: `count` containers started at `per_second` from one template, each ending
/// after a random lifetime in [lifetime_min, lifetime_max] (stop, kill, exit 0, exit 1 or rm -f,
/// chosen at random) unless it is one of the survivors, which keep running. Everything follows
/// from `seed`. Container i (from 1) is named GROUP-NNNN, GROUP being `container.name`.
struct ChurnAction {
  RunAction container;
  int count = 0;
  double per_second = 0;
  Duration lifetime_min{0};
  Duration lifetime_max{0};
  int survivors_percent = 0;
  std::uint64_t seed = 1;
};

enum class ContainerOp { start, stop, kill, rm, exit };

/// docker start/stop/kill/rm, or a container process exiting on its own with a code.
struct ContainerAction {
  ContainerOp op = ContainerOp::stop;
  std::string host;
  std::string container;
  int exit_code = 0;   // exit only
  std::string signal;  // kill only; empty = Docker's default (SIGKILL)
};

/// docker network create NAME / docker network connect NAME CONTAINER / disconnect.
enum class NetworkOp { create, connect, disconnect };

struct NetworkAction {
  NetworkOp op = NetworkOp::create;
  std::string host;
  std::string network;
  std::string container;  // connect and disconnect
};

/// docker-compose -p PROJECT -f FILE up -d / down, on a host. The file (relative to the scenario
/// file) is read and resolved when the scenario is loaded; what regsim cannot model refuses the
/// scenario then.
struct ComposeAction {
  bool up = true;
  std::string host;
  std::string file;                 // as the scenario names it, for messages
  compose::ComposeProject project;  // what up creates and down removes
};

/// Something happens to a host's daemons rather than to a container: fake-docker cuts its event
/// streams or restarts, or registrator is stopped / started / restarted.
enum class DaemonOp { drop_events, restart_docker, stop_registrator, start_registrator, restart_registrator };

struct DaemonAction {
  DaemonOp op = DaemonOp::drop_events;
  std::string host;
  Duration downtime{0};       // restart_docker: how long the daemon stays away
  bool live_restore = false;  // restart_docker: containers keep running across the restart
};

/// Something done to the fake Consul directly, not through registrator: seed a registration
/// (as another agent user or an earlier registrator run would have left it), inject or clear
/// faults in its HTTP API, or make it lose every service it knows (an agent restarted empty).
/// An operator's or a check's doing, through the agent's API: a check's status set (as a TTL
/// check's pass/warn/fail), maintenance mode on a service or the whole node, or the agent
/// process restarting (away for `duration`, back empty, as an agent without its data dir).
enum class ConsulOp { register_service, create_query, fault, clear_faults, lose_state, check_status, maintenance, restart };

struct ConsulAction {
  ConsulOp op = ConsulOp::register_service;
  std::string datacenter;        // whose Consul ("" = the first datacenter's)
  std::string host;              // check_status, maintenance: whose agent (empty = the one shared agent)
  std::string check_id;          // check_status; may hold templates
  std::string status;            // check_status: "passing", "warning" or "critical"
  std::string note;              // check_status: the check's output
  std::string service_id;        // maintenance: the service (empty = the whole node); may hold templates
  bool enable = true;            // maintenance
  std::string reason;            // maintenance
  nlohmann::json registration;  // register_service: PUT /v1/agent/service/register body; strings may hold templates
  nlohmann::json fault;         // fault: the /_fake/faults rule {method, path, status, count}
  nlohmann::json query;         // create_query: the POST /v1/query body (a prepared query)
  std::optional<Duration> duration;  // fault: held this long (the timeline waits), then every fault is cleared;
                                     // restart: how long the agent stays away
};

/// Errors or latency injected into a host's Docker API (fake-docker's /_fake/faults), or all of
/// them cleared.
struct DockerFaultAction {
  std::string host;
  bool clear = false;            // docker_clear_faults
  nlohmann::json fault;          // {method, path, status, body, action, delay_ms, count}
  std::optional<Duration> duration;  // held this long (the timeline waits), then cleared
};

/// A plain pause on the timeline (e.g. "nothing changes for 2s").
struct PauseAction {
  Duration duration{0};
};

enum class MatchMode { exactly, contains };

/// Which registry list a CatalogCondition reads.
enum class RegistryList {
  catalog_service,  // GET /v1/catalog/service/NAME: one entry per instance
  health_checks,    // GET /v1/health/checks/NAME: one entry per check of any instance
  etcd_keys,        // etcd's keys under a prefix: {"Key", "Value", "LeaseTTL"} per key
};

/// That list holds these entries (each entry: fields that must be equal).
struct CatalogCondition {
  RegistryList list = RegistryList::catalog_service;
  std::string datacenter;  // whose catalog ("" = the first datacenter's)
  // Another datacenter whose Consul is asked, with ?dc=datacenter (it relays over the WAN, as a
  // client of one Consul asks about another datacenter); "" = ask the datacenter's own Consul.
  std::string via;
  std::string service;  // the service's name; for etcd_keys the key prefix
  std::vector<nlohmann::json> entries;  // objects; string values may hold templates
  MatchMode match = MatchMode::exactly;
};

enum class DnsType { A, SRV };

struct SrvAnswer {
  std::optional<int> port;
  std::optional<std::string> target;  // may hold templates
  std::optional<int> priority;
  std::optional<int> weight;
};

/// A DNS question to the fake Consul's DNS port and the answers it must get.
struct DnsCondition {
  std::string datacenter;  // whose DNS interface is asked ("" = the first datacenter's)
  std::string name;
  DnsType type = DnsType::A;
  std::vector<std::string> addresses;  // A; may hold templates
  std::vector<SrvAnswer> srv;          // SRV
  MatchMode match = MatchMode::exactly;
  std::optional<unsigned> ttl;         // every answer's TTL (A only)
  std::optional<std::string> rcode;    // "NOERROR" or "NXDOMAIN"; unset = either when no answers
  bool tcp = false;
};

/// The container's state as fake-docker reports it ("absent" = no such container).
struct ContainerCondition {
  std::string host;
  std::string container;
  std::string state;
  std::optional<int> exit_code;
};

/// The service's catalog holds exactly one entry "HOSTNAME:GROUP-NNNN:PORT" per running container
/// of a churn group on `host` (entries of other hosts or containers are not looked at): nothing
/// lost, nothing stale, no duplicates.
struct RunningGroupCondition {
  std::string host;
  std::string group;
  std::string service;  // may hold templates
  int port = 0;         // the container port, as in the service ID
};

using Condition = std::variant<CatalogCondition, DnsCondition, ContainerCondition, RunningGroupCondition>;

/// "expect" records a check and carries on; "wait_for" records a check and, when it does not
/// hold in time, skips the rest of the scenario (later steps would only repeat the failure).
struct CheckAction {
  bool wait_for = false;
  Condition condition;
  Duration within{5000};
  /// Set: the condition must hold at every poll for this long (an absence or "stays as it is"
  /// check); the check fails at the first poll where it does not. `within` is unused then.
  std::optional<Duration> holds_for;
};

using StepAction = std::variant<RunAction, ChurnAction, NetworkAction, ContainerAction, ComposeAction, DaemonAction,
                                ConsulAction, DockerFaultAction, PauseAction, CheckAction>;

struct Step {
  std::string path;         // "steps[3]", for messages
  std::optional<int> line;  // in the scenario file
  StepAction action;
};

/// Conditions that must hold at every poll for the whole scenario, not only at its checks.
/// Service IDs are read as HOST:CONTAINER:PORT[:udp] (registrator's form, with the host's name
/// as regsim passes it in -hostname); other IDs are not looked at.
struct InvariantSpec {
  bool no_duplicate_ids = false;  // no service ID in the catalog more than once
  /// A registered instance whose container is not running must be gone within this.
  std::optional<Duration> stopped_deregistered_within;
  /// Nothing of a container run with SERVICE_IGNORE (or of a port with SERVICE_<port>_IGNORE)
  /// is ever registered.
  bool ignored_never_registered = false;

  bool any() const { return no_duplicate_ids || stopped_deregistered_within || ignored_never_registered; }
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  ConsulSpec consul;
  RegistrySpec registry;
  InvariantSpec invariants;
  nlohmann::json images = nlohmann::json::object();
  std::vector<HostSpec> hosts;
  std::vector<Step> steps;

  const HostSpec* find_host(const std::string& name) const {
    for (const auto& h : hosts)
      if (h.name == name) return &h;
    return nullptr;
  }
};

}  // namespace regsim
