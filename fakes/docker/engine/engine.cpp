#include "fakes/docker/engine/engine.hpp"

#include "fakes/docker/api/filters/container_filter.hpp"
#include "fakes/docker/api/docker_error.hpp"

#include <algorithm>

namespace fakes::docker {

namespace {

bool valid_name(const std::string& name) {
  // [a-zA-Z0-9][a-zA-Z0-9_.-]+ as the engine requires.
  if (name.size() < 2) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(), [&](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

std::string strip_slash(const std::string& ref) { return !ref.empty() && ref[0] == '/' ? ref.substr(1) : ref; }

std::string env_key(const std::string& kv) { return kv.substr(0, kv.find('=')); }

// Image Env first, then the create request's; a later K=V replaces an earlier K.
std::vector<std::string> merge_env(const std::vector<std::string>& image, const std::vector<std::string>& request) {
  std::vector<std::string> out = image;
  for (const auto& kv : request) {
    auto it = std::find_if(out.begin(), out.end(), [&](const std::string& e) { return env_key(e) == env_key(kv); });
    if (it != out.end())
      *it = kv;
    else
      out.push_back(kv);
  }
  return out;
}

bool signal_ends_process(int signal, const TermBehaviour& term) {
  if (signal == 9) return true;
  if (signal == 15) return !term.ignores_term;
  return signal == 1 || signal == 2 || signal == 3 || signal == 6;
}

}  // namespace

std::optional<int> parse_signal(const std::string& text) {
  static const std::map<std::string, int> names = {
      {"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"ILL", 4},   {"TRAP", 5},  {"ABRT", 6},   {"BUS", 7},
      {"FPE", 8},   {"KILL", 9},  {"USR1", 10}, {"SEGV", 11}, {"USR2", 12}, {"PIPE", 13},  {"ALRM", 14},
      {"TERM", 15}, {"CHLD", 17}, {"CONT", 18}, {"STOP", 19}, {"TSTP", 20}, {"WINCH", 28}};
  if (text.empty() || text.size() > 12) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int n = std::stoi(text);
    if (n < 1 || n > 64) return std::nullopt;
    return n;
  }
  std::string upper;
  for (char c : text) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  if (upper.rfind("SIG", 0) == 0) upper = upper.substr(3);
  auto it = names.find(upper);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

Engine::Engine(EngineOptions options)
    : options_(std::move(options)), ids_(options_.seed), events_(options_.event_history) {
  for (const auto& [name, driver] : {std::pair{"bridge", "bridge"}, {"host", "host"}, {"none", "null"}}) {
    auto n = std::make_unique<Network>();
    n->id = ids_.next_id();
    n->name = name;
    n->driver = driver;
    n->predefined = true;
    n->created = options_.clock();
    if (n->driver == "bridge") n->ipam.emplace(options_.bridge_octet);
    networks_.push_back(std::move(n));
  }
}

const Container* Engine::find(const std::string& ref) const {
  if (ref.empty()) return nullptr;
  if (auto it = by_id_.find(ref); it != by_id_.end()) return it->second;
  if (auto it = by_name_.find(strip_slash(ref)); it != by_name_.end()) return it->second;
  const Container* match = nullptr;
  for (const auto& c : containers_) {
    if (c->id.rfind(ref, 0) == 0) {
      if (match) throw bad_parameter("multiple IDs found with provided prefix: " + ref);
      match = c.get();
    }
  }
  return match;
}

const Container& Engine::get(const std::string& ref) const {
  if (auto c = find(ref)) return *c;
  throw no_such_container(ref);
}

// Every change to a container goes through here (or end_process), so this is where its cached
// JSON views become stale.
Container& Engine::mutable_get(const std::string& ref) {
  auto& c = const_cast<Container&>(get(ref));
  ++c.revision;
  return c;
}

std::string Engine::checked_new_name(const std::string& wanted, const std::string& self_id) const {
  std::string name = strip_slash(wanted);
  if (!valid_name(name))
    throw bad_parameter("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  if (auto it = by_name_.find(name); it != by_name_.end() && it->second->id != self_id)
    throw DockerError(409, "Conflict. The container name \"/" + name + "\" is already in use by container \"" +
                               it->second->id + "\". You have to remove (or rename) that container to be able to reuse that name.");
  return name;
}

namespace {
// The engine's validateNetContainerMode: a container joining another's network namespace has no
// hostname, ports or exposed ports of its own. Publishing is checked first (`-p` exposes too).
void check_container_network_mode(const CreateSpec& spec) {
  const std::string& mode = spec.host_config.network_mode;
  if (!mode.starts_with("container:")) return;
  if (mode.size() == 10) throw bad_parameter("Invalid network mode: invalid container format container:<name|id>");
  if (!spec.hostname.empty()) throw bad_parameter("conflicting options: hostname and the network mode");
  if (!spec.host_config.port_bindings.empty() || spec.host_config.publish_all_ports)
    throw bad_parameter("conflicting options: port publishing and the container type network mode");
  if (!spec.exposed_ports.empty())
    throw bad_parameter("conflicting options: port exposing and the container type network mode");
}
}  // namespace

// Snapshots (restore) skip the API's checks: what a real engine holds is taken as it is.
const Container& Engine::create(const CreateSpec& spec) {
  check_container_network_mode(spec);
  return create_with_id(spec, ids_.next_id());
}

const Container& Engine::create_with_id(const CreateSpec& spec, std::string id) {
  if (spec.image.empty()) throw bad_parameter("No image specified");  // engine: "config cannot be empty..." variants
  auto c = std::make_unique<Container>();
  c->id = std::move(id);
  if (!spec.name.empty()) {
    c->name = checked_new_name(spec.name, c->id);
  } else {
    do c->name = ids_.next_name();
    while (find(c->name));
  }
  const Image image = options_.images.resolve(spec.image);
  c->image_id = image.id;
  c->created = now();
  auto& cfg = c->config;
  cfg.image = spec.image;
  cfg.hostname = spec.hostname.empty() ? c->id.substr(0, 12) : spec.hostname;
  cfg.env = merge_env(image.config.env, spec.env);
  cfg.labels = image.config.labels;
  for (const auto& [k, v] : spec.labels) cfg.labels[k] = v;
  cfg.exposed_ports = image.config.exposed_ports;
  cfg.exposed_ports.insert(spec.exposed_ports.begin(), spec.exposed_ports.end());
  // Published ports are exposed too, as the engine does for `-p 8080:80` without EXPOSE.
  for (const auto& [port, _] : spec.host_config.port_bindings) cfg.exposed_ports.insert(port);
  cfg.stdio = spec.stdio;
  cfg.cmd = spec.cmd.value_or(image.config.cmd);
  cfg.entrypoint = spec.entrypoint.value_or(image.config.entrypoint);
  c->host_config = spec.host_config;
  // The engine stores "default" for a container created without a network mode (and reports it
  // so in HostConfig); it is the bridge network.
  if (c->host_config.network_mode.empty()) c->host_config.network_mode = "default";
  const std::string mode = c->host_config.network_mode == "default" ? "bridge" : c->host_config.network_mode;
  if (mode.rfind("container:", 0) == 0) {
    get(mode.substr(10));  // 404 if the other container does not exist
    c->endpoint = Endpoint{};
  } else {
    c->endpoint = endpoint_on(get_network(mode));  // 404 "network X not found"
  }
  const Container& ref = *c;
  by_id_[c->id] = c.get();
  by_name_[c->name] = c.get();
  containers_.push_back(std::move(c));
  emit_container(ref, "create");
  return ref;
}

std::vector<const Container*> Engine::list(const ListQuery& query) const {
  validate_container_filters(query.filters);
  std::vector<const Container*> out;
  for (auto it = containers_.rbegin(); it != containers_.rend(); ++it) {
    const Container& c = **it;
    // Without all=1 only running (and paused) containers are listed, unless a status filter
    // asks for others explicitly.
    bool status_filtered = query.filters.count("status") && !query.filters.at("status").empty();
    if (!query.all && !status_filtered && !c.state.running) continue;
    if (!container_matches(c, query.filters)) continue;
    out.push_back(&c);
    if (query.limit > 0 && static_cast<int>(out.size()) >= query.limit) break;
  }
  return out;
}

Endpoint Engine::endpoint_on(const Network& n) const {
  Endpoint e;
  e.network = n.name;
  e.network_id = n.id;
  e.driver = n.driver;
  return e;
}

Network* Engine::mutable_network(const std::string& id) {
  for (auto& n : networks_)
    if (n->id == id) return n.get();
  return nullptr;
}

void Engine::attach(Container& c, Endpoint& e) {
  Network* n = mutable_network(e.network_id);
  if (!n || !n->ipam) return;  // host, none: no address of its own
  auto ip = n->ipam->allocate();
  if (!ip) throw DockerError(500, "no available IPv4 addresses on this network's address pools: " + n->name);
  e.ip = *ip;
  e.gateway = n->ipam->gateway();
  e.prefix_len = BridgeIpam::kPrefixLen;
  e.mac = BridgeIpam::mac_for(*ip);
  e.endpoint_id = ids_.next_id();
  emit_network(c, e, "connect");
}

void Engine::attach_with_ip(Container& c, Endpoint& e, const std::string& wanted_ip, std::vector<std::string>& notes) {
  Network* n = mutable_network(e.network_id);
  if (!n || !n->ipam) return;
  if (wanted_ip.empty() || !n->ipam->claim(wanted_ip)) {
    attach(c, e);
    if (!wanted_ip.empty())
      notes.push_back(c.name + ": " + wanted_ip + " is outside " + n->name + "'s subnet " + n->ipam->subnet() +
                      " or taken; it got " + e.ip);
    return;
  }
  e.ip = wanted_ip;
  e.gateway = n->ipam->gateway();
  e.prefix_len = BridgeIpam::kPrefixLen;
  e.mac = BridgeIpam::mac_for(wanted_ip);
  e.endpoint_id = ids_.next_id();
}

std::vector<std::string> Engine::restore(const RestoredContainer& r) {
  if (find(r.id)) throw DockerError(409, "container " + r.id + " already exists");
  std::vector<std::string> notes;
  // User networks the container was on exist on that host: make them here too.
  std::string mode = r.spec.host_config.network_mode.empty() ? "default" : r.spec.host_config.network_mode;
  if (mode == "default") mode = "bridge";
  std::vector<std::string> wanted_networks;
  if (!mode.starts_with("container:")) wanted_networks.push_back(mode);
  for (const auto& [network, ip] : r.ips)
    if (network != mode) wanted_networks.push_back(network);
  for (const auto& network : wanted_networks)
    if (!find_network(network)) create_network(network, "bridge", {});

  const Container& created = create_with_id(r.spec, r.id);
  Container& c = const_cast<Container&>(created);
  if (r.created) c.created = r.created;
  for (const auto& network : wanted_networks)
    if (network != mode) c.connected.push_back(endpoint_on(get_network(network)));
  c.state.started_at = r.started_at;
  c.state.finished_at = r.finished_at;
  c.state.exit_code = r.exit_code;
  if (r.status == "running" || r.status == "paused") {
    auto ip_on = [&](const std::string& network) {
      auto it = r.ips.find(network);
      return it == r.ips.end() ? std::string{} : it->second;
    };
    attach_with_ip(c, c.endpoint, ip_on(c.endpoint.network), notes);
    for (auto& e : c.connected) attach_with_ip(c, e, ip_on(e.network), notes);
    for (const auto& [port, bindings] : r.published) {
      const std::string proto = port.substr(port.find('/') + 1);
      for (const auto& b : bindings) {
        const int host_port = std::atoi(b.host_port.c_str());
        // 0.0.0.0 and :: share one port: a failed second claim is that, not a conflict.
        if (host_port > 0 && !host_ports_.claim(proto, host_port) && b.host_ip != "::")
          notes.push_back(c.name + ": host port " + b.host_port + "/" + proto + " is taken twice in the snapshot");
        c.published[port].push_back(b);
      }
    }
    c.state.status = r.status;
    c.state.running = true;
    c.state.paused = r.status == "paused";
    c.state.exit_code = 0;
    c.state.pid = next_pid_++;
    if (!c.state.started_at) c.state.started_at = now();
  } else {
    c.state.status = r.status;
  }
  ++c.revision;
  return notes;
}

void Engine::detach(Container& c, Endpoint& e) {
  if (!e.ip.empty()) {
    if (Network* n = mutable_network(e.network_id); n && n->ipam) n->ipam->release(e.ip);
    emit_network(c, e, "disconnect");
  }
  e.ip.clear();
  e.gateway.clear();
  e.prefix_len = 0;
  e.mac.clear();
  e.endpoint_id.clear();
}

void Engine::connect_network(Container& c) {
  attach(c, c.endpoint);
  for (auto& e : c.connected) attach(c, e);
}

void Engine::release_network(Container& c) {
  for (const auto& [port, bindings] : c.published) {
    auto slash = port.find('/');
    std::string proto = port.substr(slash + 1);
    for (const auto& b : bindings) {
      // One host port may appear twice (0.0.0.0 and ::); releasing twice is harmless.
      host_ports_.release(proto, std::stoi(b.host_port));
    }
  }
  c.published.clear();
  detach(c, c.endpoint);
  for (auto& e : c.connected) detach(c, e);
}

const Network* Engine::find_network(const std::string& ref) const {
  if (ref.empty()) return nullptr;
  for (const auto& n : networks_)
    if (n->id == ref || n->name == ref) return n.get();
  const Network* match = nullptr;
  for (const auto& n : networks_)
    if (n->id.rfind(ref, 0) == 0) {
      if (match) return nullptr;  // ambiguous: the engine reports it as not found
      match = n.get();
    }
  return match;
}

const Network& Engine::get_network(const std::string& ref) const {
  if (const auto* n = find_network(ref)) return *n;
  throw DockerError(404, "network " + ref + " not found");
}

std::vector<const Network*> Engine::networks() const {
  std::vector<const Network*> out;
  for (const auto& n : networks_) out.push_back(n.get());
  return out;
}

const Network& Engine::create_network(const std::string& name, const std::string& driver,
                                      const std::map<std::string, std::string>& labels) {
  if (name.empty()) throw bad_parameter("network name cannot be empty");  // engine 1.41+: "Name" is required
  if (!valid_name(name))
    throw bad_parameter("invalid network name \"" + name + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  const std::string wanted_driver = driver.empty() ? "bridge" : driver;
  if (wanted_driver != "bridge")
    throw DockerError(404, "plugin \"" + wanted_driver + "\" not found");  // the only driver this fake has
  for (const auto& n : networks_)
    if (n->name == name) throw DockerError(409, "network with name " + name + " already exists");
  // User networks take the next free pool after the last one handed out, as dockerd 20.10 does
  // (a removed network's pool is not reused at once). After 172.31 dockerd goes on with
  // 192.168.N.0/20 pools; this fake has only the 172 ones and wraps around to the first free
  // one, so creating and removing networks never runs out. The default bridge's is never free.
  auto taken = [&](int octet) {
    if (octet == options_.bridge_octet) return true;
    return std::any_of(networks_.begin(), networks_.end(),
                       [&](const auto& n) { return n->ipam && n->ipam->second_octet() == octet; });
  };
  auto after = [](int octet) { return octet == kLastUserSubnetOctet ? kFirstUserSubnetOctet : octet + 1; };
  std::optional<int> pool;
  for (int octet = next_subnet_octet_, tries = 0; tries <= kLastUserSubnetOctet - kFirstUserSubnetOctet;
       octet = after(octet), ++tries) {
    if (!taken(octet)) {
      pool = octet;
      break;
    }
  }
  if (!pool)
    throw DockerError(400, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
  next_subnet_octet_ = after(*pool);
  auto n = std::make_unique<Network>();
  n->id = ids_.next_id();
  n->name = name;
  n->driver = wanted_driver;
  n->created = now();
  n->labels = labels;
  n->ipam.emplace(*pool);
  const Network& ref = *n;
  networks_.push_back(std::move(n));
  events_.append(Event{"network", "create", ref.id, {{"name", ref.name}, {"type", ref.driver}}, "local", now()});
  return ref;
}

void Engine::remove_network(const std::string& ref) {
  const Network& n = get_network(ref);
  if (n.predefined) throw DockerError(403, n.name + " is a pre-defined network and cannot be removed");
  for (const auto& c : containers_) {
    bool attached = c->endpoint.network_id == n.id && !c->endpoint.ip.empty();
    for (const auto& e : c->connected) attached = attached || (e.network_id == n.id && !e.ip.empty());
    if (attached)
      throw DockerError(403, "error while removing network: network " + n.name + " id " + n.id + " has active endpoints");
  }
  // Stopped containers keep no reference, as the engine drops their endpoint config with the network.
  for (auto& c : containers_)
    std::erase_if(c->connected, [&](const Endpoint& e) { return e.network_id == n.id; });
  const Event destroyed{"network", "destroy", n.id, {{"name", n.name}, {"type", n.driver}}, "local", now()};
  std::erase_if(networks_, [&](const auto& p) { return p.get() == &n; });
  events_.append(destroyed);
}

void Engine::connect(const std::string& network_ref, const std::string& container_ref,
                     const std::string& ipam_config_json, const std::string& driver_opts_json) {
  const Network& n = get_network(network_ref);
  Container& c = mutable_get(container_ref);
  if (c.endpoint.driver != "bridge" || n.driver != "bridge")
    throw DockerError(400, "container cannot be disconnected from host network or connected to host network");
  if (c.endpoint.network_id == n.id ||
      std::any_of(c.connected.begin(), c.connected.end(), [&](const Endpoint& e) { return e.network_id == n.id; }))
    throw DockerError(403, "endpoint with name " + c.name + " already exists in network " + n.name);
  c.connected.push_back(endpoint_on(n));
  c.connected.back().ipam_config_json = ipam_config_json;
  c.connected.back().driver_opts_json = driver_opts_json;
  if (c.state.running) attach(c, c.connected.back());
}

void Engine::disconnect(const std::string& network_ref, const std::string& container_ref) {
  const Network& n = get_network(network_ref);
  Container& c = mutable_get(container_ref);
  if (c.endpoint.network_id == n.id) {
    // Leaving the network of its NetworkMode: the container keeps the mode but loses the address.
    detach(c, c.endpoint);
    return;
  }
  auto it = std::find_if(c.connected.begin(), c.connected.end(), [&](const Endpoint& e) { return e.network_id == n.id; });
  if (it == c.connected.end())
    throw DockerError(403, "container " + c.id + " is not connected to network " + n.name);
  const Endpoint leaving = *it;
  detach(c, *it);
  // dockerd 20.10 reports a running container's explicit disconnect twice (the sandbox leaving
  // the network, then the daemon's own event), as the side-by-side test records.
  if (!leaving.ip.empty()) emit_network(c, leaving, "disconnect");
  c.connected.erase(it);
}

void Engine::start(const std::string& ref) {
  Container& c = mutable_get(ref);
  if (c.state.paused) throw DockerError(409, "cannot start a paused container, try unpause instead");
  if (c.state.running) throw not_modified();
  if (c.host_config.network_mode.starts_with("container:")) {
    // As the engine at start: the other container must run, and from now on the mode names it
    // by its full ID whatever the user wrote.
    const Container& owner = get(c.host_config.network_mode.substr(10));
    if (!owner.state.running)
      throw DockerError(409, "cannot join network of a non running container: " + owner.id);
    c.host_config.network_mode = "container:" + owner.id;
  }
  // Publish ports first so a conflict leaves the container untouched.
  PortMap published;
  std::vector<std::pair<std::string, int>> claimed;
  auto fail = [&](const std::string& message) {
    for (const auto& [proto, port] : claimed) host_ports_.release(proto, port);
    throw DockerError(500, message);
  };
  if (c.endpoint.driver == "bridge") {
    PortMap wanted = c.host_config.port_bindings;
    if (c.host_config.publish_all_ports)
      for (const auto& port : c.config.exposed_ports)
        if (!wanted.count(port)) wanted[port] = {PortBinding{}};
    for (const auto& [port, bindings] : wanted) {
      const std::string proto = port.substr(port.find('/') + 1);
      for (const auto& b : bindings) {
        int host_port = 0;
        if (b.host_port.empty()) {
          auto p = host_ports_.claim_ephemeral(proto);
          if (!p) fail("no free host ports in the ephemeral range");
          host_port = *p;
        } else {
          host_port = std::atoi(b.host_port.c_str());
          if (!host_ports_.claim(proto, host_port))
            fail("driver failed programming external connectivity on endpoint " + c.name + ": Bind for " +
                 (b.host_ip.empty() ? "0.0.0.0" : b.host_ip) + ":" + b.host_port + " failed: port is already allocated");
        }
        claimed.emplace_back(proto, host_port);
        auto& out = published[port];
        if (b.host_ip.empty()) {
          // An unqualified binding listens on IPv4 and IPv6, and the engine reports both.
          out.push_back({"0.0.0.0", std::to_string(host_port)});
          out.push_back({"::", std::to_string(host_port)});
        } else {
          out.push_back({b.host_ip, std::to_string(host_port)});
        }
      }
    }
  }
  try {
    connect_network(c);
  } catch (const DockerError&) {
    release_network(c);
    for (const auto& [proto, port] : claimed) host_ports_.release(proto, port);
    throw;
  }
  c.published = std::move(published);
  c.state.status = "running";
  c.state.running = true;
  c.state.paused = false;
  c.state.exit_code = 0;
  c.state.pid = next_pid_++;
  c.state.started_at = now();
  if (!c.state.health.empty()) c.state.health = "starting";
  emit_container(c, "start");
}

void Engine::end_process(Container& c, int exit_code) {
  ++c.revision;
  const std::int64_t finished = now();
  const std::int64_t exec_seconds = (finished - c.state.started_at) / 1'000'000'000;
  c.state.status = "exited";
  c.state.running = false;
  c.state.paused = false;
  c.state.exit_code = exit_code;
  c.state.pid = 0;
  c.state.finished_at = finished;
  if (!c.state.health.empty()) c.state.health = "unhealthy";
  emit_container(c, "die", {{"exitCode", std::to_string(exit_code)}, {"execDuration", std::to_string(exec_seconds)}});
  release_network(c);
}

bool Engine::stop_begin(const std::string& ref) {
  Container& c = mutable_get(ref);
  if (!c.state.running) throw not_modified();
  emit_container(c, "kill", {{"signal", "15"}});
  if (c.term.ignores_term) return false;
  end_process(c, c.term.exit_code);
  return true;
}

void Engine::stop_finish(const std::string& ref) { emit_container(get(ref), "stop"); }

void Engine::kill(const std::string& ref, int signal) {
  Container& c = mutable_get(ref);
  if (!c.state.running)
    throw DockerError(409, "Cannot kill container: " + ref + ": Container " + c.id + " is not running");
  emit_container(c, "kill", {{"signal", std::to_string(signal)}});
  if (signal_ends_process(signal, c.term)) end_process(c, signal == 15 ? c.term.exit_code : 128 + signal);
}

void Engine::exit(const std::string& ref, int exit_code) {
  Container& c = mutable_get(ref);
  if (!c.state.running) throw DockerError(409, "Container " + c.id + " is not running");
  end_process(c, exit_code);
}

void Engine::pause(const std::string& ref) {
  Container& c = mutable_get(ref);
  if (!c.state.running) throw DockerError(409, "Container " + c.id + " is not running");
  if (c.state.paused) throw DockerError(409, "Container " + c.id + " is already paused");
  c.state.paused = true;
  c.state.status = "paused";
  emit_container(c, "pause");
}

void Engine::unpause(const std::string& ref) {
  Container& c = mutable_get(ref);
  if (!c.state.paused) throw DockerError(409, "Container " + c.id + " is not paused");
  c.state.paused = false;
  c.state.status = "running";
  emit_container(c, "unpause");
}

void Engine::rename(const std::string& ref, const std::string& new_name) {
  Container& c = mutable_get(ref);
  if (new_name.empty()) throw bad_parameter("Neither old nor new names may be empty");
  std::string name = checked_new_name(new_name, c.id);
  if (name == c.name) throw DockerError(409, "Renaming a container with the same name as its current name");
  const std::string old_name = "/" + c.name;
  by_name_.erase(c.name);
  c.name = name;
  by_name_[c.name] = &c;
  emit_container(c, "rename", {{"oldName", old_name}});
}

void Engine::record_restart(const std::string& ref) { emit_container(get(ref), "restart"); }

void Engine::remove(const std::string& ref, bool force) {
  Container& c = mutable_get(ref);
  if (c.state.running) {
    if (!force)
      throw DockerError(409, "cannot remove container \"/" + c.name + "\": container is " +
                                 (c.state.paused ? std::string("paused") : std::string("running")) +
                                 ": stop the container before removing or force remove");
    emit_container(c, "kill", {{"signal", "9"}});
    end_process(c, 137);
  }
  emit_container(c, "destroy");
  by_id_.erase(c.id);
  by_name_.erase(c.name);
  auto it = std::find_if(containers_.begin(), containers_.end(), [&](const auto& p) { return p.get() == &c; });
  containers_.erase(it);
}

void Engine::set_term_behaviour(const std::string& ref, TermBehaviour behaviour) { mutable_get(ref).term = behaviour; }

void Engine::set_health(const std::string& ref, const std::string& status) {
  if (status != "starting" && status != "healthy" && status != "unhealthy")
    throw bad_parameter("health status must be starting, healthy or unhealthy, not \"" + status + "\"");
  Container& c = mutable_get(ref);
  c.state.health = status;
  emit_container(c, "health_status: " + status);
}

void Engine::restart_daemon(bool live_restore) {
  if (!live_restore) {
    for (auto& c : containers_) {
      if (!c->state.running) continue;
      end_process(*c, c->term.ignores_term ? 137 : c->term.exit_code);
    }
  }
  events_.clear();  // the new daemon remembers nothing
}

std::size_t Engine::running_count() const {
  return static_cast<std::size_t>(
      std::count_if(containers_.begin(), containers_.end(), [](const auto& c) { return c->state.running; }));
}

void Engine::emit_container(const Container& c, const std::string& action, std::map<std::string, std::string> extra) {
  ++c.revision;
  // Order of precedence as in the engine: extra attributes, then labels, then image and name.
  for (const auto& [k, v] : c.config.labels) extra[k] = v;
  if (!c.config.image.empty()) extra["image"] = c.config.image;
  extra["name"] = c.name;
  events_.append(Event{"container", action, c.id, std::move(extra), "local", now()});
}

void Engine::emit_network(const Container& c, const Endpoint& e, const std::string& action) {
  ++c.revision;
  events_.append(Event{"network", action, e.network_id, {{"container", c.id}, {"name", e.network}, {"type", e.driver}},
                       "local", now()});
}

}  // namespace fakes::docker
