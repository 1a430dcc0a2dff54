// Engine, networking: the predefined and user-defined networks, their address pools, and how a
// container's endpoints get and give back addresses (connect/disconnect events).
#include "fakes/docker/engine/engine.hpp"

#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/engine/object_names.hpp"

#include <algorithm>

namespace fakes::docker {

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

const Network* Engine::mode_network(const Container& c) const {
  const std::string& mode = c.host_config.network_mode;
  if (mode.starts_with("container:")) return nullptr;
  return find_network(mode == "default" || mode.empty() ? std::string("bridge") : mode);
}

void Engine::apply_request(Endpoint& e, const EndpointRequest& request) {
  // The engine's ErrUnsupportedNetworkAndAlias: names only resolve on user-defined networks.
  if (!request.aliases.empty() && !is_user_defined_network(e.network))
    throw bad_parameter("network-scoped alias is supported only for containers in user defined networks");
  e.aliases = request.aliases;
  e.ipam_config_json = request.ipam_config_json;
  e.driver_opts_json = request.driver_opts_json;
}

void Engine::attach(Container& c, Endpoint& e) {
  if (e.network.empty()) return;  // disconnected from its NetworkMode's network
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
                                      const std::map<std::string, std::string>& labels, bool ipam_options) {
  if (name.empty()) throw bad_parameter("network name cannot be empty");  // engine 1.41+: "Name" is required
  if (!valid_object_name(name))
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
  n->ipam_options = ipam_options;
  n->ipam.emplace(*pool);
  const Network& ref = *n;
  networks_.push_back(std::move(n));
  events_.append(Event{"network", "create", ref.id, {{"name", ref.name}, {"type", ref.driver}}, "local", now()});
  return ref;
}

bool Engine::network_in_use(const std::string& network_id) const {
  // An address on it: only a running container's endpoint has one.
  auto on_it = [&](const Endpoint& e) { return e.network_id == network_id && !e.ip.empty(); };
  return std::any_of(containers_.begin(), containers_.end(), [&](const auto& c) {
    return on_it(c->endpoint) || std::any_of(c->connected.begin(), c->connected.end(), on_it);
  });
}

void Engine::remove_network(const std::string& ref) {
  const Network& n = get_network(ref);
  if (n.predefined) throw DockerError(403, n.name + " is a pre-defined network and cannot be removed");
  if (network_in_use(n.id))
    throw DockerError(403, "error while removing network: network " + n.name + " id " + n.id + " has active endpoints");
  // Stopped containers keep no reference, as the engine drops their endpoint config with the network.
  for (auto& c : containers_)
    std::erase_if(c->connected, [&](const Endpoint& e) { return e.network_id == n.id; });
  const Event destroyed{"network", "destroy", n.id, {{"name", n.name}, {"type", n.driver}}, "local", now()};
  std::erase_if(networks_, [&](const auto& p) { return p.get() == &n; });
  events_.append(destroyed);
}

void Engine::connect(const std::string& network_ref, const std::string& container_ref, const EndpointRequest& request) {
  const Network& n = get_network(network_ref);
  Container& c = mutable_get(container_ref);
  if (c.endpoint.driver != "bridge" || n.driver != "bridge")
    throw DockerError(400, "container cannot be disconnected from host network or connected to host network");
  const bool on_it = (!c.endpoint.network.empty() && c.endpoint.network_id == n.id) ||
                     std::any_of(c.connected.begin(), c.connected.end(), [&](const Endpoint& e) { return e.network_id == n.id; });
  if (on_it) {
    // A stopped container's config already names the network: the engine keeps it as it is and
    // answers success ("avoid duplicate config"); a running one has a live endpoint by that name.
    if (!c.state.running) return;
    throw DockerError(403, "endpoint with name " + c.name + " already exists in network " + n.name);
  }
  Endpoint joined = endpoint_on(n);
  apply_request(joined, request);
  // Back onto the network of its NetworkMode after a disconnect: that endpoint again.
  const Network* mode = mode_network(c);
  Endpoint& e = c.endpoint.network.empty() && mode == &n ? c.endpoint : c.connected.emplace_back();
  e = std::move(joined);
  if (c.state.running) attach(c, e);
}

void Engine::disconnect(const std::string& network_ref, const std::string& container_ref) {
  const Network& n = get_network(network_ref);
  Container& c = mutable_get(container_ref);
  const bool mode_endpoint = !c.endpoint.network.empty() && c.endpoint.network_id == n.id;
  auto it = std::find_if(c.connected.begin(), c.connected.end(), [&](const Endpoint& e) { return e.network_id == n.id; });
  if (!mode_endpoint && it == c.connected.end()) {
    // The engine's two texts: from the stored config (stopped) or the live endpoints (running).
    if (!c.state.running) throw DockerError(403, "container " + c.id + " is not connected to the network " + n.name);
    throw DockerError(403, "container " + c.id + " is not connected to network " + n.name);
  }
  Endpoint& e = mode_endpoint ? c.endpoint : *it;
  const Endpoint leaving = e;
  detach(c, e);
  // dockerd 20.10 reports an explicit disconnect as its own event: a running container's twice
  // (the sandbox leaving the network, then the daemon's event), a created or stopped one's once
  // (only the daemon's), as the side-by-side tests record.
  emit_network(c, leaving, "disconnect");
  if (mode_endpoint) {
    // HostConfig.NetworkMode stays; the network leaves NetworkSettings.Networks.
    const std::string driver = c.endpoint.driver;
    c.endpoint = Endpoint{};
    c.endpoint.driver = driver;
  } else {
    c.connected.erase(it);
  }
}

}  // namespace fakes::docker
