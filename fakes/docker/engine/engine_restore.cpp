// Engine, loading a real host's containers (--state): each is created as it was and put in its
// recorded state, addresses and host ports, without events, as after a daemon start.
#include "fakes/docker/engine/engine.hpp"

#include "fakes/docker/engine/docker_error.hpp"

#include <cstdlib>

namespace fakes::docker {

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

}  // namespace fakes::docker
