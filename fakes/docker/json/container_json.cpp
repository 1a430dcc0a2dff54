#include "fakes/docker/engine/clock.hpp"
#include "fakes/docker/engine/object_names.hpp"
#include "fakes/docker/json/json_views.hpp"

#include <algorithm>

namespace fakes::docker {

namespace {

Json string_list_or_null(const std::vector<std::string>& v) { return v.empty() ? Json(nullptr) : Json(v); }

Json labels_json(const std::map<std::string, std::string>& labels) {
  Json j = Json::object();
  for (const auto& [k, v] : labels) j[k] = v;
  return j;
}

Json port_bindings_json(const PortMap& map) {
  Json j = Json::object();
  for (const auto& [port, bindings] : map) {
    Json list = Json::array();
    for (const auto& b : bindings) list.push_back({{"HostIp", b.host_ip}, {"HostPort", b.host_port}});
    j[port] = list;
  }
  return j;
}

/// Runtime port map: exposed-only ports are null, published ones list their bindings. Only
/// while the container runs on the bridge (a stopped container has an empty map).
Json runtime_ports_json(const Container& c) {
  Json j = Json::object();
  if (!c.state.running || c.endpoint.driver != "bridge") return j;
  for (const auto& port : c.config.exposed_ports) {
    auto it = c.published.find(port);
    j[port] = it == c.published.end() ? Json(nullptr) : port_bindings_json({{port, it->second}})[port];
  }
  return j;
}

Json submitted_object(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json::parse(text, nullptr, false);
}

Json endpoint_json(const Endpoint& e, const Container& c, ApiVersion version) {
  Json j{{"IPAMConfig", submitted_object(e.ipam_config_json)},
         {"Links", nullptr},
         {"Aliases", string_list_or_null(endpoint_aliases(e, c, version))},
         {"MacAddress", e.mac},
         {"DriverOpts", submitted_object(e.driver_opts_json)}};
  if (version >= ApiVersion{1, 48}) j["GwPriority"] = 0;  // added in API 1.48
  j["NetworkID"] = e.network_id;
  j["EndpointID"] = e.endpoint_id;
  j["Gateway"] = e.gateway;
  j["IPAddress"] = e.ip;
  j["IPPrefixLen"] = e.prefix_len;
  j["IPv6Gateway"] = "";
  j["GlobalIPv6Address"] = "";
  j["GlobalIPv6PrefixLen"] = 0;
  if (version >= ApiVersion{1, 44}) j["DNSNames"] = string_list_or_null(endpoint_dns_names(e, c));  // added in API 1.44
  return j;
}

}  // namespace

std::vector<std::string> endpoint_aliases(const Endpoint& e, const Container& c, ApiVersion version) {
  std::vector<std::string> out = e.aliases;
  // Until API 1.45 a user-defined network's aliases end with the short ID; from 1.45 they are
  // exactly what was submitted, and the short ID is in DNSNames.
  const std::string short_id = c.id.substr(0, 12);
  if (is_user_defined_network(e.network) && version < ApiVersion{1, 45} &&
      std::find(out.begin(), out.end(), short_id) == out.end())
    out.push_back(short_id);
  return out;
}

std::vector<std::string> endpoint_dns_names(const Endpoint& e, const Container& c) {
  // The engine's buildEndpointDNSNames: name, aliases, short ID, hostname, without repeats.
  std::vector<std::string> out;
  if (!is_user_defined_network(e.network)) return out;
  auto add = [&](const std::string& name) {
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  add(c.name.starts_with("/") ? c.name.substr(1) : c.name);
  for (const auto& alias : e.aliases) add(alias);
  add(c.id.substr(0, 12));
  add(c.config.hostname);
  return out;
}

namespace {

Json networks_json(const Container& c, ApiVersion version) {
  Json j = Json::object();
  if (!c.endpoint.network.empty()) j[c.endpoint.network] = endpoint_json(c.endpoint, c, version);
  for (const auto& e : c.connected) j[e.network] = endpoint_json(e, c, version);
  return j;
}


// Every HostConfig field a real engine reports, with its defaults (dockerd 20.10 at API 1.41,
// compared side by side in tests/fakes/docker/real_dockerd_test.cpp), and what the container set.
Json host_config_json(const Container& c, ApiVersion version) {
  const Json none = nullptr;
  const Json empty_list = Json::array();
  Json j{{"Binds", none},
         {"ContainerIDFile", ""},
         {"LogConfig", {{"Type", "json-file"}, {"Config", Json::object()}}},
         {"NetworkMode", reported_network_mode(c, version)},
         {"PortBindings", port_bindings_json(c.host_config.port_bindings)},
         {"RestartPolicy", {{"Name", "no"}, {"MaximumRetryCount", 0}}},
         {"AutoRemove", false},
         {"VolumeDriver", ""},
         {"VolumesFrom", none},
         {"CapAdd", none},
         {"CapDrop", none},
         {"CgroupnsMode", "host"},
         {"Dns", empty_list},
         {"DnsOptions", empty_list},
         {"DnsSearch", empty_list},
         {"ExtraHosts", none},
         {"GroupAdd", none},
         {"IpcMode", "private"},
         {"Cgroup", ""},
         {"Links", none},
         {"OomScoreAdj", 0},
         {"PidMode", ""},
         {"Privileged", false},
         {"PublishAllPorts", c.host_config.publish_all_ports},
         {"ReadonlyRootfs", false},
         {"SecurityOpt", none},
         {"UTSMode", ""},
         {"UsernsMode", ""},
         {"ShmSize", 67108864},
         {"Runtime", "runc"},
         {"ConsoleSize", {0, 0}},
         {"Isolation", ""},
         {"CpuShares", 0},
         {"Memory", 0},
         {"NanoCpus", 0},
         {"CgroupParent", ""},
         {"BlkioWeight", 0},
         {"BlkioWeightDevice", empty_list},
         {"BlkioDeviceReadBps", empty_list},
         {"BlkioDeviceWriteBps", empty_list},
         {"BlkioDeviceReadIOps", empty_list},
         {"BlkioDeviceWriteIOps", empty_list},
         {"CpuPeriod", 0},
         {"CpuQuota", 0},
         {"CpuRealtimePeriod", 0},
         {"CpuRealtimeRuntime", 0},
         {"CpusetCpus", ""},
         {"CpusetMems", ""},
         {"Devices", empty_list},
         {"DeviceCgroupRules", none},
         {"DeviceRequests", none}};
  if (version < ApiVersion{1, 42}) {  // omitted from API 1.42 on
    j["KernelMemory"] = 0;
    j["KernelMemoryTCP"] = 0;
  }
  j["MemoryReservation"] = 0;
  j["MemorySwap"] = 0;
  j["MemorySwappiness"] = none;
  j["OomKillDisable"] = false;
  j["PidsLimit"] = none;
  j["Ulimits"] = empty_list;
  j["CpuCount"] = 0;
  j["CpuPercent"] = 0;
  j["IOMaximumIOps"] = 0;
  j["IOMaximumBandwidth"] = 0;
  j["MaskedPaths"] = {"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                      "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"};
  j["ReadonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  return j;
}

// overlay2's directories, shaped like the engine's (the layer id is derived from the container id).
Json graph_driver_json(const Container& c) {
  const std::string layer = "/var/lib/docker/overlay2/" + c.id;
  return Json{{"Data",
               {{"LowerDir", layer + "-init/diff:/var/lib/docker/overlay2/" + c.image_id.substr(c.image_id.find(':') + 1) + "/diff"},
                {"MergedDir", layer + "/merged"},
                {"UpperDir", layer + "/diff"},
                {"WorkDir", layer + "/work"}}},
              {"Name", "overlay2"}};
}

// `docker ps` COMMAND: the engine single-quotes arguments that contain a space.
std::string list_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a.find(' ') == std::string::npos ? a : "'" + a + "'";
  }
  return out;
}

std::vector<std::string> command_line(const Container& c) {
  std::vector<std::string> argv = c.config.entrypoint;
  argv.insert(argv.end(), c.config.cmd.begin(), c.config.cmd.end());
  return argv;
}

}  // namespace

// HostConfig.NetworkMode of a container created without one: dockerd 20.10 (API 1.41) reports
// "default" (seen side by side); newer engines report "bridge" (not checked against one here).
std::string reported_network_mode(const Container& c, ApiVersion version) {
  const std::string& mode = c.host_config.network_mode;
  if (mode == "default" && version >= ApiVersion{1, 44}) return "bridge";
  return mode;
}

Json container_inspect_json(const Container& c, ApiVersion version) {
  const auto argv = command_line(c);
  Json state{{"Status", c.state.status},       {"Running", c.state.running},
             {"Paused", c.state.paused},       {"Restarting", false},
             {"OOMKilled", false},             {"Dead", false},
             {"Pid", c.state.pid},             {"ExitCode", c.state.exit_code},
             {"Error", ""},                    {"StartedAt", format_rfc3339_nano(c.state.started_at)},
             {"FinishedAt", format_rfc3339_nano(c.state.finished_at)}};
  if (!c.state.health.empty())
    state["Health"] = Json{{"Status", c.state.health}, {"FailingStreak", 0}, {"Log", Json::array()}};

  Json config{{"Hostname", c.config.hostname},
              {"Domainname", ""},
              {"User", ""},
              {"AttachStdin", c.config.stdio.attach_stdin},
              {"AttachStdout", c.config.stdio.attach_stdout},
              {"AttachStderr", c.config.stdio.attach_stderr}};
  if (!c.config.exposed_ports.empty()) {  // omitempty in the engine
    Json exposed = Json::object();
    for (const auto& p : c.config.exposed_ports) exposed[p] = Json::object();
    config["ExposedPorts"] = exposed;
  }
  config["Tty"] = c.config.stdio.tty;
  config["OpenStdin"] = c.config.stdio.open_stdin;
  config["StdinOnce"] = c.config.stdio.stdin_once;
  config["Env"] = string_list_or_null(c.config.env);
  config["Cmd"] = string_list_or_null(c.config.cmd);
  config["Image"] = c.config.image;
  config["Volumes"] = nullptr;
  config["WorkingDir"] = "";
  config["Entrypoint"] = string_list_or_null(c.config.entrypoint);
  config["OnBuild"] = nullptr;
  config["Labels"] = labels_json(c.config.labels);

  Json host_config = host_config_json(c, version);

  Json net{{"SandboxID", c.state.running ? c.endpoint.endpoint_id : std::string()},
           {"SandboxKey", c.state.running ? "/var/run/docker/netns/" + c.id.substr(0, 12) : std::string()},
           {"Ports", runtime_ports_json(c)}};
  // API 1.52 dropped the deprecated top-level copies of the default bridge endpoint.
  if (version < ApiVersion{1, 52}) {
    const bool bridge = c.endpoint.network == "bridge";
    net["Bridge"] = "";
    net["HairpinMode"] = false;
    net["LinkLocalIPv6Address"] = "";
    net["LinkLocalIPv6PrefixLen"] = 0;
    net["SecondaryIPAddresses"] = nullptr;
    net["SecondaryIPv6Addresses"] = nullptr;
    net["EndpointID"] = bridge ? c.endpoint.endpoint_id : "";
    net["Gateway"] = bridge ? c.endpoint.gateway : "";
    net["GlobalIPv6Address"] = "";
    net["GlobalIPv6PrefixLen"] = 0;
    net["IPAddress"] = bridge ? c.endpoint.ip : "";
    net["IPPrefixLen"] = bridge ? c.endpoint.prefix_len : 0;
    net["IPv6Gateway"] = "";
    net["MacAddress"] = bridge ? c.endpoint.mac : "";
  }
  net["Networks"] = networks_json(c, version);

  const std::string dir = "/var/lib/docker/containers/" + c.id;
  return Json{{"Id", c.id},
              {"Created", format_rfc3339_nano(c.created)},
              {"Path", argv.empty() ? std::string() : argv[0]},
              {"Args", argv.empty() ? Json::array() : Json(std::vector<std::string>(argv.begin() + 1, argv.end()))},
              {"State", state},
              {"Image", c.image_id},
              {"ResolvConfPath", dir + "/resolv.conf"},
              {"HostnamePath", dir + "/hostname"},
              {"HostsPath", dir + "/hosts"},
              {"LogPath", dir + "/" + c.id + "-json.log"},
              {"Name", "/" + c.name},
              {"RestartCount", c.restart_count},
              {"Driver", "overlay2"},
              {"Platform", "linux"},
              {"MountLabel", ""},
              {"ProcessLabel", ""},
              {"AppArmorProfile", ""},
              {"ExecIDs", nullptr},
              {"HostConfig", host_config},
              {"GraphDriver", graph_driver_json(c)},
              {"Mounts", Json::array()},
              {"Config", config},
              {"NetworkSettings", net}};
}

Json container_summary_json(const Container& c, std::int64_t now_nanos, bool with_size, ApiVersion version) {
  Json ports = Json::array();
  if (c.state.running && c.endpoint.driver == "bridge") {
    for (const auto& port : c.config.exposed_ports) {
      const auto slash = port.find('/');
      const int number = std::stoi(port.substr(0, slash));
      const std::string proto = port.substr(slash + 1);
      auto it = c.published.find(port);
      if (it == c.published.end()) {
        ports.push_back({{"PrivatePort", number}, {"Type", proto}});
        continue;
      }
      for (const auto& b : it->second)
        ports.push_back({{"IP", b.host_ip}, {"PrivatePort", number}, {"PublicPort", std::stoi(b.host_port)}, {"Type", proto}});
    }
  }
  const auto argv = command_line(c);
  const std::string command = list_command(argv);
  Json j{{"Id", c.id},
         {"Names", {"/" + c.name}},
         {"Image", c.config.image},
         {"ImageID", c.image_id},
         {"Command", command},
         {"Created", c.created / 1'000'000'000},
         {"Ports", ports}};
  if (with_size) {
    j["SizeRw"] = 0;
    j["SizeRootFs"] = 0;
  }
  j["Labels"] = labels_json(c.config.labels);
  j["State"] = c.state.status;
  j["Status"] = status_text(c.state, now_nanos);
  j["HostConfig"] = {{"NetworkMode", reported_network_mode(c, version)}};
  j["NetworkSettings"] = {{"Networks", networks_json(c, version)}};
  j["Mounts"] = Json::array();
  return j;
}

}  // namespace fakes::docker
