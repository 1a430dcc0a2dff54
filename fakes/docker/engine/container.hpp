#pragma once
// A container as the fake engine keeps it: the parts of `docker inspect` that clients read.

#include "fakes/docker/engine/process_script.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fakes::docker {

struct PortBinding {
  std::string host_ip;    // "" = all addresses
  std::string host_port;  // "" = pick an ephemeral port
};
using PortMap = std::map<std::string, std::vector<PortBinding>>;  // key "80/tcp"

/// What `docker run` without -d (AttachStdout/AttachStderr) or with -i/-t asks for: only reported.
struct StdioConfig {
  bool attach_stdin = false, attach_stdout = false, attach_stderr = false;
  bool tty = false, open_stdin = false, stdin_once = false;
};

struct ContainerConfig {
  std::string hostname;  // 12-char id prefix unless given
  std::string image;     // as the client named it
  std::vector<std::string> env;
  std::map<std::string, std::string> labels;
  std::set<std::string> exposed_ports;
  std::vector<std::string> cmd;
  std::vector<std::string> entrypoint;
  StdioConfig stdio;
};

struct HostConfig {
  std::string network_mode = "bridge";  // "default" from the CLI is stored as "bridge"
  PortMap port_bindings;
  bool publish_all_ports = false;
};

struct ContainerState {
  std::string status = "created";  // created|running|paused|restarting|removing|exited|dead
  bool running = false;
  bool paused = false;
  int exit_code = 0;
  int pid = 0;
  std::int64_t started_at = 0;   // ns; 0 = never
  std::int64_t finished_at = 0;  // ns; 0 = never
  std::string health;            // "" = no healthcheck; else starting|healthy|unhealthy
};

/// Where a container sits on a network. The IP is only set while the container runs.
struct Endpoint {
  std::string network;     // "bridge", "host", "none" or a user-defined network's name
  std::string network_id;
  std::string driver;      // "bridge" (default bridge and user networks: addresses, ports), "host", "null"
  std::string endpoint_id;  // "" while not running
  std::string ip;
  std::string gateway;
  int prefix_len = 0;
  std::string mac;
  // What `docker network connect` submitted as EndpointConfig.IPAMConfig / .DriverOpts, as JSON
  // text, reported back as the engine does ("" = none: null).
  std::string ipam_config_json;
  std::string driver_opts_json;
  // EndpointConfig.Aliases as submitted at create or connect (user-defined networks only).
  std::vector<std::string> aliases;
};

/// How the fake "process" in the container reacts to SIGTERM (set through the control API).
struct TermBehaviour {
  bool ignores_term = false;
  int exit_code = 143;  // 128 + SIGTERM, what a process killed by TERM reports
};

/// A serialized view of a container (inspect or list entry) for one API version, valid while the
/// container's revision is unchanged. Listing 10,000 containers must not rebuild 10,000 JSON
/// documents; the list entry's time-dependent Status text is spliced between head and tail.
struct CachedView {
  std::uint64_t revision = 0;
  int version_key = 0;  // major * 1000 + minor
  int kind = 0;         // see json_views.cpp
  std::string head;     // the whole document when there is no splice
  std::string tail;
  // The whole HTTP answer carrying the document (inspect), made by the API layer when the view
  // is served a second time: later inspects of an unchanged container send these bytes as they
  // are. Not at the first: most views are inspected once (a start-up sync, an event), and a
  // second rendered copy of each cost a copy and its memory per container.
  mutable std::shared_ptr<const std::string> answer;
  mutable bool served = false;
};

struct Container {
  // Bumped by the engine when a change begins and at every event it emits (event listeners may
  // read the container mid-change): a cached view of an older revision is never served.
  mutable std::uint64_t revision = 0;
  mutable std::vector<CachedView> cached_views;
  std::string id;
  std::string name;  // without the leading '/'
  std::string image_id;
  std::int64_t created = 0;  // ns
  ContainerConfig config;
  HostConfig host_config;
  ContainerState state;
  // The network of HostConfig.NetworkMode. A container disconnected from it keeps the mode and
  // the driver but not the network (name and ID empty), as the engine keeps HostConfig and drops
  // the entry from NetworkSettings.Networks; a later connect to that network fills it again.
  Endpoint endpoint;
  std::vector<Endpoint> connected;  // further networks, from POST /networks/{id}/connect
  PortMap published;  // actual bindings while running (HostIp/HostPort filled in)
  TermBehaviour term;
  int restart_count = 0;
  // The image's FakeProcess, with the control API's per-container exec results over it.
  ProcessScript script;
  // What the process printed, oldest first; bounded (kMaxLogEntries, the oldest leave first).
  std::deque<LogEntry> log;
  static constexpr std::size_t kMaxLogEntries = 10000;
};

/// An exec instance (POST /containers/{id}/exec). A fake exec runs at start and is over at once.
struct ExecInstance {
  std::string id;
  std::string container_id;
  std::vector<std::string> cmd;  // entrypoint and arguments
  bool tty = false, attach_stdin = false, attach_stdout = false, attach_stderr = false, privileged = false;
  std::string user, working_dir, detach_keys;
  bool started = false;
  std::optional<int> exit_code;  // null until it has run
  int pid = 0;
};

}  // namespace fakes::docker
