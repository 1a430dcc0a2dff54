// Engine, containers: the records themselves (create with the image's config merged in, lookups
// by ID, name or prefix, list, rename, remove). Networking, the process's fate, --state loading
// and events are in engine_networks.cpp, engine_processes.cpp, engine_restore.cpp and
// engine_events.cpp; all of them change the one state this class owns.
#include "fakes/docker/engine/engine.hpp"

#include "fakes/docker/filters/container_filter.hpp"
#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/engine/object_names.hpp"

#include <algorithm>

namespace fakes::docker {

namespace {

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
  if (!valid_object_name(name))
    throw bad_parameter("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  if (auto it = by_name_.find(name); it != by_name_.end() && it->second->id != self_id)
    throw DockerError(409, "Conflict. The container name \"/" + name + "\" is already in use by container \"" +
                               it->second->id + "\". You have to remove (or rename) that container to be able to reuse that name.");
  return name;
}

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
  c->script = image.config.process;
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
  // NetworkingConfig.EndpointsConfig: the NetworkMode's network keeps its entry's config, any
  // other network is joined as a connect would (refused for a container without a network of
  // its own). All before the container exists, so a refusal leaves nothing behind.
  for (const auto& [key, request] : spec.endpoints) {
    const Network& n = get_network(key == "default" ? std::string("bridge") : key);  // 404 network X not found
    if (!c->endpoint.network.empty() && c->endpoint.network_id == n.id) {
      apply_request(c->endpoint, request);
      continue;
    }
    if (c->endpoint.driver != "bridge" || n.driver != "bridge")
      throw bad_parameter("container cannot be disconnected from host network or connected to host network");
    Endpoint joined = endpoint_on(n);
    apply_request(joined, request);
    c->connected.push_back(std::move(joined));
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
  std::erase_if(execs_, [&](const auto& entry) { return entry.second.container_id == c.id; });
  by_id_.erase(c.id);
  by_name_.erase(c.name);
  auto it = std::find_if(containers_.begin(), containers_.end(), [&](const auto& p) { return p.get() == &c; });
  containers_.erase(it);
}

void Engine::pull(const std::string& reference) {
  const std::string key = normalize_image_reference(reference);
  for (const auto& image : options_.images.list())
    if (normalize_image_reference(image.name) == key) return;  // listed: keeps its config
  options_.images.add(key, {});
}

std::size_t Engine::running_count() const {
  return static_cast<std::size_t>(
      std::count_if(containers_.begin(), containers_.end(), [](const auto& c) { return c->state.running; }));
}

}  // namespace fakes::docker
