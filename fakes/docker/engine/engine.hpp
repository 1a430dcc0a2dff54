#pragma once
// The fake engine's state: containers, their processes' fate, networking and the event log.
// Pure (no I/O, no timers): the HTTP layer decides *when* things happen (e.g. the stop
// timeout), this class decides *what* happens and which events a real dockerd would emit.
// Errors are DockerError with the engine's status and text. One class owns the state; its
// methods are defined by job: containers (engine.cpp), networks (engine_networks.cpp), the
// process's fate (engine_processes.cpp), --state loading (engine_restore.cpp), events
// (engine_events.cpp).

#include "fakes/docker/engine/clock.hpp"
#include "fakes/docker/engine/container.hpp"
#include "fakes/docker/engine/bridge_ipam.hpp"
#include "fakes/docker/engine/event_log.hpp"
#include "fakes/docker/filters/filter_args.hpp"
#include "fakes/docker/engine/host_ports.hpp"
#include "fakes/docker/engine/id_source.hpp"
#include "fakes/docker/engine/image_catalog.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fakes::docker {

/// An EndpointConfig submitted with create (NetworkingConfig.EndpointsConfig) or connect.
struct EndpointRequest {
  std::vector<std::string> aliases;
  std::string ipam_config_json;  // as JSON text, reported back; "" = none
  std::string driver_opts_json;
};

/// What `POST /containers/create` asks for, already merged with nothing (the engine merges the
/// image config in create()).
struct CreateSpec {
  std::string name;  // "" = generate one
  std::string image;
  std::string hostname;
  std::vector<std::string> env;
  std::map<std::string, std::string> labels;
  std::set<std::string> exposed_ports;
  std::optional<std::vector<std::string>> cmd;         // unset = image's
  std::optional<std::vector<std::string>> entrypoint;  // unset = image's
  HostConfig host_config;
  StdioConfig stdio;
  /// NetworkingConfig.EndpointsConfig by network name or ID: the NetworkMode's network takes
  /// its entry; any other network is joined as `connect` would (the API layer refuses more than
  /// one entry below API 1.44, as the engine does).
  std::map<std::string, EndpointRequest> endpoints;
};

/// A network as `docker network inspect` shows it. The predefined bridge, host and none always
/// exist; user-defined ones use the bridge driver, each with its own 172.N.0.0/16.
struct Network {
  std::string id;
  std::string name;
  std::string driver;  // "bridge", "host", "null"
  bool predefined = false;
  std::int64_t created = 0;  // ns
  std::map<std::string, std::string> labels;
  std::optional<BridgeIpam> ipam;  // bridge driver only
  // Whether the create request's IPAM carried Options (the docker CLI sends {}; docker-py and
  // Compose send no IPAM): the engine reports {} or null back.
  bool ipam_options = true;
};

/// A container as a real host had it (from --state): created, then put in its recorded state
/// with its recorded addresses and host ports, without events (as after a daemon start).
struct RestoredContainer {
  std::string id;
  CreateSpec spec;  // name, image, env, labels, ports, command, HostConfig
  std::string status = "created";  // created|running|paused|exited|dead
  int exit_code = 0;
  std::int64_t created = 0, started_at = 0, finished_at = 0;  // ns; 0 = unknown/never
  std::map<std::string, std::string> ips;  // network name -> IPv4 address ("" when stopped)
  PortMap published;                       // actual bindings while it ran
};

struct EngineOptions {
  std::uint64_t seed = 1;
  ImageCatalog images;
  Clock clock = system_clock();
  std::size_t event_history = 256;
  int bridge_octet = BridgeIpam::kDefaultBridgeOctet;  // the default bridge is 172.N.0.0/16
};

struct ListQuery {
  bool all = false;
  int limit = -1;  // <= 0: no limit
  FilterArgs filters;
};

class Engine {
 public:
  explicit Engine(EngineOptions options);

  const Container& create(const CreateSpec& spec);
  /// Loads a container from a host snapshot (see RestoredContainer); user networks it names are
  /// created; an address outside its network's subnet (or taken) is replaced by a free one and
  /// reported in the returned notes. 409 when the ID or name exists.
  std::vector<std::string> restore(const RestoredContainer& container);
  /// Forgets every event so far (a daemon that just started has no history).
  void clear_events() { events_.clear(); }
  /// By full id, exact name (with or without '/'), or unique id prefix; 404 otherwise.
  const Container& get(const std::string& ref) const;
  const Container* find(const std::string& ref) const;
  /// Newest first, as the engine lists them.
  std::vector<const Container*> list(const ListQuery& query) const;

  /// 304 when already running; 409 when paused; 500 when a host port is taken.
  void start(const std::string& ref);
  /// First half of `docker stop`: sends TERM (kill event, signal 15). Returns true if the
  /// process exited; false if it ignores TERM and the caller must escalate with kill(ref, 9)
  /// after the stop timeout. 304 when not running.
  bool stop_begin(const std::string& ref);
  /// Second half of `docker stop`: the "stop" event.
  void stop_finish(const std::string& ref);
  /// Delivers a signal (kill event); KILL, and TERM/INT/HUP/QUIT unless ignored, end the process.
  void kill(const std::string& ref, int signal);
  /// The process ends by itself with this exit code (die event, no kill/stop).
  void exit(const std::string& ref, int exit_code);
  void pause(const std::string& ref);
  void unpause(const std::string& ref);
  void rename(const std::string& ref, const std::string& new_name);
  /// The "restart" event that ends `docker restart` after its stop and start.
  void record_restart(const std::string& ref);
  /// 409 if running and not forced; forced removal kills first (kill 9, die), then destroy.
  void remove(const std::string& ref, bool force);

  /// `docker network create`: 409 when the name is taken, 400 for a driver other than bridge.
  const Network& create_network(const std::string& name, const std::string& driver,
                                const std::map<std::string, std::string>& labels, bool ipam_options = true);
  /// By full ID, name or unique ID prefix; 404 `network X not found` otherwise.
  const Network& get_network(const std::string& ref) const;
  const Network* find_network(const std::string& ref) const;
  /// Predefined first, then user-defined in creation order.
  std::vector<const Network*> networks() const;
  /// A running container has an endpoint on it.
  bool network_in_use(const std::string& network_id) const;
  /// 403 for a predefined network or one with running containers.
  void remove_network(const std::string& ref);
  /// `docker network connect`: a running container gets an address at once (connect event),
  /// a stopped one when it starts. Running and already connected: 403 `endpoint with name C
  /// already exists in network N`; stopped and already connected: nothing changes (the engine's
  /// "avoid duplicate config"). 400 for a container without a network of its own (host, none,
  /// container:) and for aliases on a network that is not user-defined.
  void connect(const std::string& network_ref, const std::string& container_ref, const EndpointRequest& request = {});
  /// `docker network disconnect`: the network leaves NetworkSettings.Networks, also the one of
  /// the NetworkMode. Running: the address is released (disconnect event, twice as dockerd
  /// 20.10); stopped or created: one disconnect event. 403 when not connected.
  void disconnect(const std::string& network_ref, const std::string& container_ref);
  /// `POST /containers/prune`: removes every container that is not running (and matches
  /// `filters`: until, label, label!), a destroy event each, then the engine's "prune" event.
  /// Returns the removed IDs. 400 for another filter.
  std::vector<std::string> prune_containers(const FilterArgs& filters);
  /// `POST /networks/prune`: removes every user-defined network no running container is on
  /// (and matching until, label, label!), a destroy event each, then "prune". Returns names.
  std::vector<std::string> prune_networks(const FilterArgs& filters);

  // What a container's process prints and what its exec commands answer (engine_exec.cpp).
  // At every start the image's scripted lines are printed, stamped from StartedAt on.
  using OutputListener = std::function<void(const Container&, const LogEntry&)>;
  /// Listeners see every line printed from now on, in order. Returns a handle.
  std::uint64_t subscribe_output(OutputListener listener);
  void unsubscribe_output(std::uint64_t handle);
  /// The running process prints `text` on `stream`, one entry per line (a last line without a
  /// newline gets one); 409 when it does not run.
  void print(const std::string& ref, OutputStream stream, const std::string& text);
  /// From now on `cmd` in this container answers `result` (over the image's script).
  void script_exec(const std::string& ref, const std::vector<std::string>& cmd, ExecResult result);
  /// `POST /containers/{id}/exec`: 409 when the container does not run or is paused; 400
  /// `No exec command specified` for an empty Cmd. `request.id` and `container_id` are set here.
  const ExecInstance& exec_create(const std::string& ref, ExecInstance request);
  /// What the exec printed; `failure` is the engine's error text when it could not start (the
  /// command is not scripted, not built in, not "in $PATH"): exit code 127 from Docker 28 (API
  /// 1.48, moby c866a7e5), 126 before (dockerd 20.10 to 27 overwrote the 127 with EACCES's 126).
  struct ExecRun {
    std::string out, err, failure;
    int exit_code = 0;
  };
  /// Runs the exec to its end: 404 `No such exec instance`, 409 when its container does not run
  /// or is paused, 409 `exec command ID has already run`.
  ExecRun exec_start(const std::string& exec_id, bool not_found_is_127 = true);
  /// 404 `No such exec instance: ID`.
  const ExecInstance& get_exec(const std::string& exec_id) const;
  /// As exec_start's checks without running it (resize): 404 or 409.
  const ExecInstance& active_exec(const std::string& exec_id) const;

  void set_term_behaviour(const std::string& ref, TermBehaviour behaviour);
  /// Sets State.Health.Status and emits "health_status: <status>".
  void set_health(const std::string& ref, const std::string& status);

  /// A daemon restart: history is lost; without live-restore running containers end up
  /// exited (their TERM exit code), with it they keep running.
  void restart_daemon(bool live_restore);

  /// `docker pull` of an image that is not listed: from now on it is listed (empty config), as a
  /// pulled image is (so image list and inspect show it, as they would on the engine).
  void pull(const std::string& reference);

  EventLog& events() { return events_; }
  const EventLog& events() const { return events_; }
  const ImageCatalog& images() const { return options_.images; }
  const std::string& bridge_network_id() const { return networks_[0]->id; }
  std::int64_t now() const { return options_.clock(); }
  std::size_t running_count() const;
  std::size_t container_count() const { return containers_.size(); }

 private:
  Container& mutable_get(const std::string& ref);
  const Container& create_with_id(const CreateSpec& spec, std::string id);
  void attach_with_ip(Container& c, Endpoint& e, const std::string& wanted_ip, std::vector<std::string>& notes);
  void emit_container(const Container& c, const std::string& action, std::map<std::string, std::string> extra = {});
  void emit_network(const Container& c, const Endpoint& e, const std::string& action);
  void end_process(Container& c, int exit_code);
  Network* mutable_network(const std::string& id);
  Endpoint endpoint_on(const Network& n) const;
  /// The network HostConfig.NetworkMode names (nullptr for container:, or when it is gone).
  const Network* mode_network(const Container& c) const;
  /// Gives `e` the submitted config; 400 for aliases on a network that is not user-defined.
  static void apply_request(Endpoint& e, const EndpointRequest& request);
  /// Gives the endpoint an address on its network (bridge driver) and emits "connect".
  void attach(Container& c, Endpoint& e);
  /// Releases the endpoint's address and emits "disconnect" when it had one.
  void detach(Container& c, Endpoint& e);
  void connect_network(Container& c);
  void release_network(Container& c);
  std::string checked_new_name(const std::string& wanted, const std::string& self_id) const;
  void append_output(Container& c, LogEntry entry);
  /// The image's scripted lines, at start.
  void print_start_lines(Container& c);
  /// The engine's refusals for a container that cannot run an exec (not running, paused).
  void require_exec_target(const Container& c) const;

  EngineOptions options_;
  IdSource ids_;
  HostPorts host_ports_;
  EventLog events_;
  std::vector<std::unique_ptr<Network>> networks_;  // bridge, host, none, then user-defined
  /// User-defined networks get 172.N.0.0/16 with N in this range (the bridge's N excluded).
  static constexpr int kFirstUserSubnetOctet = BridgeIpam::kDefaultBridgeOctet + 1;
  static constexpr int kLastUserSubnetOctet = 31;
  int next_subnet_octet_ = kFirstUserSubnetOctet;  // where the search for a free pool starts
  std::vector<std::unique_ptr<Container>> containers_;  // creation order
  // Lookups by full ID and by name without scanning (inspect of one of 10,000 containers).
  std::unordered_map<std::string, Container*> by_id_;
  std::unordered_map<std::string, Container*> by_name_;
  int next_pid_ = 4000;
  std::map<std::string, ExecInstance> execs_;  // by ID; a container's go when it is removed
  std::map<std::uint64_t, OutputListener> output_listeners_;
  std::uint64_t next_output_handle_ = 1;
};

/// Signal names and numbers as `docker kill --signal` accepts them ("SIGTERM", "TERM", "15").
std::optional<int> parse_signal(const std::string& text);

}  // namespace fakes::docker
