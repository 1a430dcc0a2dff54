// GET /containers/{id}/json written directly as text: the same document, field for field and in
// the same order, as container_inspect_json() (container_json.cpp, the readable reference; a
// test compares the two byte for byte). Registrator's start-up inspects every container once,
// so the cached view rarely helps there and this is the cost of each inspect.
#include "fakes/docker/engine/clock.hpp"
#include "fakes/docker/json/json_out.hpp"
#include "fakes/docker/json/json_views.hpp"

namespace fakes::docker {

namespace {

void string_list_or_null(JsonOut& w, const std::vector<std::string>& v) {
  if (v.empty()) {
    w.null();
    return;
  }
  w.begin_array();
  for (const auto& s : v) w.str(s);
  w.end_array();
}

void bindings(JsonOut& w, const std::vector<PortBinding>& list) {
  w.begin_array();
  for (const auto& b : list) w.begin_object().key("HostIp").str(b.host_ip).key("HostPort").str(b.host_port).end_object();
  w.end_array();
}

// What nlohmann prints for text a client submitted (parsed again, so normalised).
void submitted_object(JsonOut& w, const std::string& text) {
  if (text.empty()) {
    w.null();
    return;
  }
  w.raw(Json::parse(text, nullptr, false).dump());
}

void endpoint(JsonOut& w, const Endpoint& e, const Container& c, ApiVersion version) {
  w.begin_object();
  w.key("IPAMConfig");
  submitted_object(w, e.ipam_config_json);
  w.key("Links").null().key("Aliases");
  string_list_or_null(w, endpoint_aliases(e, c, version));
  w.key("MacAddress").str(e.mac).key("DriverOpts");
  submitted_object(w, e.driver_opts_json);
  if (version >= ApiVersion{1, 48}) w.key("GwPriority").num(0);
  w.key("NetworkID").str(e.network_id);
  w.key("EndpointID").str(e.endpoint_id);
  w.key("Gateway").str(e.gateway);
  w.key("IPAddress").str(e.ip);
  w.key("IPPrefixLen").num(e.prefix_len);
  w.key("IPv6Gateway").str("");
  w.key("GlobalIPv6Address").str("");
  w.key("GlobalIPv6PrefixLen").num(0);
  if (version >= ApiVersion{1, 44}) {
    w.key("DNSNames");
    string_list_or_null(w, endpoint_dns_names(e, c));
  }
  w.end_object();
}

void networks(JsonOut& w, const Container& c, ApiVersion version) {
  // As ordered_json's operator[]: a repeated name keeps its first place and its last value.
  std::vector<const Endpoint*> order;
  auto put = [&](const Endpoint& e) {
    for (auto*& seen : order)
      if (seen->network == e.network) {
        seen = &e;
        return;
      }
    order.push_back(&e);
  };
  if (!c.endpoint.network.empty()) put(c.endpoint);
  for (const auto& e : c.connected) put(e);
  w.begin_object();
  for (const auto* e : order) {
    w.key(e->network);
    endpoint(w, *e, c, version);
  }
  w.end_object();
}

void host_config(JsonOut& w, const Container& c, ApiVersion version) {
  w.begin_object();
  w.key("Binds").null().key("ContainerIDFile").str("");
  w.key("LogConfig").begin_object().key("Type").str("json-file").key("Config").begin_object().end_object().end_object();
  w.key("NetworkMode").str(reported_network_mode(c, version));
  w.key("PortBindings").begin_object();
  for (const auto& [port, list] : c.host_config.port_bindings) {
    w.key(port);
    bindings(w, list);
  }
  w.end_object();
  w.raw(R"("RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":false,"VolumeDriver":"",)"
        R"("VolumesFrom":null,"CapAdd":null,"CapDrop":null,"CgroupnsMode":"host","Dns":[],"DnsOptions":[],)"
        R"("DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"private","Cgroup":"","Links":null,)"
        R"("OomScoreAdj":0,"PidMode":"","Privileged":false)");
  w.key("PublishAllPorts").boolean(c.host_config.publish_all_ports);
  w.raw(R"("ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":67108864,)"
        R"("Runtime":"runc","ConsoleSize":[0,0],"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,)"
        R"("CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],)"
        R"("BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,)"
        R"("CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"",)"
        R"("Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null)");
  if (version < ApiVersion{1, 42}) w.raw(R"("KernelMemory":0,"KernelMemoryTCP":0)");
  w.raw(R"("MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":null,"OomKillDisable":false,)"
        R"("PidsLimit":null,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,)"
        R"("IOMaximumBandwidth":0,"MaskedPaths":["/proc/asound","/proc/acpi","/proc/kcore","/proc/keys",)"
        R"("/proc/latency_stats","/proc/timer_list","/proc/timer_stats","/proc/sched_debug","/proc/scsi",)"
        R"("/sys/firmware"],"ReadonlyPaths":["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"])");
  w.end_object();
}

void state(JsonOut& w, const ContainerState& s) {
  w.begin_object();
  w.key("Status").str(s.status).key("Running").boolean(s.running).key("Paused").boolean(s.paused);
  w.raw(R"("Restarting":false,"OOMKilled":false,"Dead":false)");
  w.key("Pid").num(s.pid).key("ExitCode").num(s.exit_code).key("Error").str("");
  w.key("StartedAt").str(format_rfc3339_nano(s.started_at)).key("FinishedAt").str(format_rfc3339_nano(s.finished_at));
  if (!s.health.empty())
    w.key("Health").begin_object().key("Status").str(s.health).raw(R"("FailingStreak":0,"Log":[])").end_object();
  w.end_object();
}

void config(JsonOut& w, const ContainerConfig& c) {
  w.begin_object();
  w.key("Hostname").str(c.hostname).key("Domainname").str("").key("User").str("");
  w.key("AttachStdin").boolean(c.stdio.attach_stdin);
  w.key("AttachStdout").boolean(c.stdio.attach_stdout);
  w.key("AttachStderr").boolean(c.stdio.attach_stderr);
  if (!c.exposed_ports.empty()) {
    w.key("ExposedPorts").begin_object();
    for (const auto& p : c.exposed_ports) w.key(p).begin_object().end_object();
    w.end_object();
  }
  w.key("Tty").boolean(c.stdio.tty).key("OpenStdin").boolean(c.stdio.open_stdin);
  w.key("StdinOnce").boolean(c.stdio.stdin_once);
  w.key("Env");
  string_list_or_null(w, c.env);
  w.key("Cmd");
  string_list_or_null(w, c.cmd);
  w.key("Image").str(c.image).key("Volumes").null().key("WorkingDir").str("").key("Entrypoint");
  string_list_or_null(w, c.entrypoint);
  w.key("OnBuild").null().key("Labels").begin_object();
  for (const auto& [k, v] : c.labels) w.key(k).str(v);
  w.end_object();
  w.end_object();
}

void network_settings(JsonOut& w, const Container& c, ApiVersion version) {
  w.begin_object();
  w.key("SandboxID").str(c.state.running ? c.endpoint.endpoint_id : std::string());
  w.key("SandboxKey").str(c.state.running ? "/var/run/docker/netns/" + c.id.substr(0, 12) : std::string());
  w.key("Ports").begin_object();
  if (c.state.running && c.endpoint.driver == "bridge") {
    for (const auto& port : c.config.exposed_ports) {
      w.key(port);
      auto it = c.published.find(port);
      if (it == c.published.end()) {
        w.null();
      } else {
        bindings(w, it->second);
      }
    }
  }
  w.end_object();
  if (version < ApiVersion{1, 52}) {
    const bool bridge = c.endpoint.network == "bridge";
    w.raw(R"("Bridge":"","HairpinMode":false,"LinkLocalIPv6Address":"","LinkLocalIPv6PrefixLen":0,)"
          R"("SecondaryIPAddresses":null,"SecondaryIPv6Addresses":null)");
    w.key("EndpointID").str(bridge ? c.endpoint.endpoint_id : "");
    w.key("Gateway").str(bridge ? c.endpoint.gateway : "");
    w.key("GlobalIPv6Address").str("").key("GlobalIPv6PrefixLen").num(0);
    w.key("IPAddress").str(bridge ? c.endpoint.ip : "");
    w.key("IPPrefixLen").num(bridge ? c.endpoint.prefix_len : 0);
    w.key("IPv6Gateway").str("");
    w.key("MacAddress").str(bridge ? c.endpoint.mac : "");
  }
  w.key("Networks");
  networks(w, c, version);
  w.end_object();
}

}  // namespace

std::string write_container_inspect(const Container& c, ApiVersion version) {
  std::vector<std::string> argv = c.config.entrypoint;
  argv.insert(argv.end(), c.config.cmd.begin(), c.config.cmd.end());
  const std::string dir = "/var/lib/docker/containers/" + c.id;
  std::string out;
  out.reserve(4096);
  JsonOut w(out);
  w.begin_object();
  w.key("Id").str(c.id).key("Created").str(format_rfc3339_nano(c.created));
  w.key("Path").str(argv.empty() ? std::string() : argv[0]);
  w.key("Args").begin_array();
  for (std::size_t i = 1; i < argv.size(); ++i) w.str(argv[i]);
  w.end_array();
  w.key("State");
  state(w, c.state);
  w.key("Image").str(c.image_id);
  w.key("ResolvConfPath").str(dir + "/resolv.conf");
  w.key("HostnamePath").str(dir + "/hostname");
  w.key("HostsPath").str(dir + "/hosts");
  w.key("LogPath").str(dir + "/" + c.id + "-json.log");
  w.key("Name").str("/" + c.name);
  w.key("RestartCount").num(c.restart_count);
  w.raw(R"("Driver":"overlay2","Platform":"linux","MountLabel":"","ProcessLabel":"","AppArmorProfile":"",)"
        R"("ExecIDs":null)");
  w.key("HostConfig");
  host_config(w, c, version);
  const std::string layer = "/var/lib/docker/overlay2/" + c.id;
  w.key("GraphDriver").begin_object().key("Data").begin_object();
  w.key("LowerDir").str(layer + "-init/diff:/var/lib/docker/overlay2/" + c.image_id.substr(c.image_id.find(':') + 1) + "/diff");
  w.key("MergedDir").str(layer + "/merged").key("UpperDir").str(layer + "/diff").key("WorkDir").str(layer + "/work");
  w.end_object().key("Name").str("overlay2").end_object();
  w.key("Mounts").begin_array().end_array();
  w.key("Config");
  config(w, c.config);
  w.key("NetworkSettings");
  network_settings(w, c, version);
  w.end_object();
  return out;
}

}  // namespace fakes::docker
