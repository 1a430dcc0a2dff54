#include "scenarios/regsim/peers/compose_control.hpp"

#include <set>

namespace regsim {

using nlohmann::json;

json compose_create_body(const compose::ComposeContainer& c) {
  json exposed = json::object();
  json bindings = json::object();
  for (const auto& p : c.publish) {
    exposed[p.port_key()] = json::object();
    bindings[p.port_key()].push_back({{"HostIp", p.host_ip}, {"HostPort", p.host_port}});
  }
  for (const auto& port : c.expose) exposed[port] = json::object();
  json body = {{"Image", c.image}, {"Env", c.env}, {"Labels", c.labels}, {"ExposedPorts", exposed}};
  if (c.command) body["Cmd"] = *c.command;
  json host_config = {{"PortBindings", bindings}};
  if (!c.networks.empty()) {
    const auto& primary = c.networks.front();
    host_config["NetworkMode"] = primary.network;
    body["NetworkingConfig"] = {{"EndpointsConfig", {{primary.network, {{"Aliases", primary.aliases}}}}}};
  }
  body["HostConfig"] = host_config;
  return body;
}

std::vector<std::string> compose_up(DockerControl& docker, const compose::ComposeProject& project) {
  for (const auto& net : project.networks) {
    if (docker.network_exists(net.name)) continue;
    if (net.external)
      throw DockerError("network " + net.name + " is declared as external, but there is no such network");
    docker.create_network(net.name, net.labels);
  }
  std::vector<std::string> names;
  for (const auto& c : project.containers) {
    names.push_back(c.name);
    if (const auto existing = docker.inspect(c.name)) {
      if (existing->state != "running") docker.start(c.name);
      continue;
    }
    const auto id = docker.create(c.name, compose_create_body(c));
    for (std::size_t i = 1; i < c.networks.size(); ++i) docker.connect_network(c.networks[i].network, id, c.networks[i].aliases);
    docker.start(id);
  }
  return names;
}

std::vector<std::string> compose_down(DockerControl& docker, const compose::ComposeProject& project) {
  std::set<std::string> services;
  for (const auto& c : project.containers) services.insert(c.service);
  std::vector<std::string> removed;
  for (const auto& entry : docker.containers_labelled("com.docker.compose.project=" + project.name)) {
    const auto labels = entry.value("Labels", json::object());
    if (!labels.is_object() || !services.count(labels.value("com.docker.compose.service", std::string{}))) continue;
    const auto id = entry.value("Id", std::string{});
    if (id.empty()) throw DockerError("a container list entry without an Id: " + entry.dump());
    auto name = entry.contains("Names") && entry["Names"].is_array() && !entry["Names"].empty() && entry["Names"][0].is_string()
                    ? entry["Names"][0].get<std::string>()
                    : id;
    if (name.starts_with("/")) name.erase(0, 1);
    if (entry.value("State", std::string{}) == "running") docker.stop(id);
    docker.remove(id);
    removed.push_back(std::move(name));
  }
  for (auto it = project.networks.rbegin(); it != project.networks.rend(); ++it)
    if (!it->external) docker.remove_network(it->name);
  return removed;
}

}  // namespace regsim
