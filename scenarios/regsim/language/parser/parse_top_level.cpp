// Scenario parser: the top-level sections (consul, registry, invariants, images), the hosts,
// and which kind of step each step is.
#include "scenarios/regsim/language/parser/scenario_parser_class.hpp"

#include <algorithm>

namespace regsim::parsing {

Scenario ScenarioParser::parse(const json& doc, const std::string& default_name) {
  FieldReader top(doc, "");
  Scenario s;
  s.name = top.optional_string("name").value_or(default_name);
  s.description = top.optional_string("description").value_or("");
  if (const auto* consul = top.object("consul", false)) s.consul = parse_consul(*consul);
  if (const auto* registry = top.object("registry", false)) s.registry = parse_registry(*registry);
  if (const auto* invariants = top.object("invariants", false)) s.invariants = parse_invariants(*invariants, s.registry);
  if (const auto* images = top.object("images", false)) s.images = parse_images(*images);
  if (auto within = top.get("default_within")) default_within_ = duration_at(*within, "default_within");

  const auto* hosts = top.array("hosts", true);
  if (hosts->empty()) throw ScenarioError("hosts", "at least one host is required");
  for (std::size_t i = 0; i < hosts->size(); ++i) s.hosts.push_back(parse_host((*hosts)[i], path_index("hosts", i), s));
  for (const auto& h : s.hosts) scope_.hosts.insert(h.name);

  const auto* steps = top.array("steps", true);
  for (std::size_t i = 0; i < steps->size(); ++i) {
    Step step;
    step.path = path_index("steps", i);
    step.action = parse_step((*steps)[i], step.path, s);
    s.steps.push_back(std::move(step));
  }
  top.get("comment");
  top.reject_unknown();
  return s;
}

// "consul": datacenters, node, agent per host, DNS config.
ConsulSpec ScenarioParser::parse_consul(const json& consul) {
  ConsulSpec c;
  FieldReader r(consul, "consul");
  r.get("comment");
  c.datacenter = r.optional_string("datacenter").value_or("dc1");
  if (const auto* dcs = r.array("datacenters", false)) {
    if (r.has("datacenter"))
      throw ScenarioError("consul.datacenters", "give \"datacenter\" (one) or \"datacenters\" (several), not both");
    if (dcs->empty()) throw ScenarioError("consul.datacenters", "at least one datacenter is required");
    c.datacenters.clear();
    for (std::size_t i = 0; i < dcs->size(); ++i) {
      const auto item = path_index("consul.datacenters", i);
      const auto& dc = (*dcs)[i];
      if (!dc.is_string() || !is_simple_name(dc.get<std::string>()))
        throw ScenarioError(item, "expected a datacenter name (letters, digits, '-', '_' or '.'), got " + describe_json(dc));
      if (std::find(c.datacenters.begin(), c.datacenters.end(), dc.get<std::string>()) !=
          c.datacenters.end())
        throw ScenarioError(item, "duplicate datacenter " + dc.dump());
      c.datacenters.push_back(dc.get<std::string>());
    }
    c.datacenter = c.datacenters.front();
  } else {
    c.datacenters = {c.datacenter};
  }
  c.node = r.optional_string("node").value_or("node1");
  c.agent_per_host = r.optional_bool("agent_per_host").value_or(false);
  if (const auto* dns = r.object("dns", false)) c.dns = parse_consul_dns(*dns, r.path_of("dns"));
  if (!is_simple_name(c.datacenter))
    throw ScenarioError("consul.datacenter", "expected letters, digits, '-', '_' or '.', got \"" +
                                                 c.datacenter + "\"");
  if (!is_simple_name(c.node))
    throw ScenarioError("consul.node", "expected letters, digits, '-', '_' or '.', got \"" + c.node + "\"");
  r.reject_unknown();
  return c;
}

ConsulSpec::Dns ScenarioParser::parse_consul_dns(const json& value, const std::string& path) {
  FieldReader r(value, path);
  ConsulSpec::Dns d;
  auto domain = [&](const char* key) -> std::string {
    const auto v = r.optional_string(key);
    if (!v) return {};
    const bool ok = !v->empty() && v->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") ==
                                       std::string::npos && v->front() != '.' && v->back() != '.';
    if (!ok) throw ScenarioError(r.path_of(key), "expected a domain name such as \"consul\", got \"" + *v + "\"");
    return *v;
  };
  auto ttl = [&](const json& v, const std::string& at) {
    (void)duration_at(v, at);  // validated here, passed to fake-consul as written
    return v.get<std::string>();
  };
  d.domain = domain("domain");
  d.alt_domain = domain("alt_domain");
  if (const auto* node_ttl = r.get("node_ttl")) d.node_ttl = ttl(*node_ttl, r.path_of("node_ttl"));
  if (const auto* service_ttl = r.object("service_ttl", false))
    for (const auto& [name, v] : service_ttl->items())
      d.service_ttl[name] = ttl(v, path_key(r.path_of("service_ttl"), name));
  d.udp_answer_limit = r.optional_int("udp_answer_limit", 1, 1000);
  d.a_record_limit = r.optional_int("a_record_limit", 0, 1000);
  d.only_passing = r.optional_bool("only_passing").value_or(false);
  d.enable_truncate = r.optional_bool("enable_truncate").value_or(false);
  r.get("comment");
  r.reject_unknown();
  return d;
}

// "registry": where registrators write (Consul, etcd, SkyDNS 2).
RegistrySpec ScenarioParser::parse_registry(const json& registry) {
  RegistrySpec reg;
  FieldReader r(registry, "registry");
  r.get("comment");
  const auto backend = r.optional_choice("backend", {"consul", "etcd", "skydns2"}).value_or("consul");
  reg.backend = backend == "etcd"      ? RegistryBackend::etcd
                : backend == "skydns2" ? RegistryBackend::skydns2
                                       : RegistryBackend::consul;
  const auto path = r.optional_string("path");
  if (reg.backend == RegistryBackend::consul && path)
    throw ScenarioError("registry.path", "only the etcd and skydns2 backends take a path");
  reg.path = path.value_or(reg.backend == RegistryBackend::etcd      ? "/services"
                           : reg.backend == RegistryBackend::skydns2 ? "skydns.local"
                                                                     : "");
  if (reg.backend == RegistryBackend::skydns2 &&
      (reg.path.empty() || reg.path.find('/') != std::string::npos))
    throw ScenarioError("registry.path", "expected a DNS domain like \"skydns.local\", got \"" + reg.path + "\"");
  if (reg.backend == RegistryBackend::etcd && reg.path.find("//") != std::string::npos)
    throw ScenarioError("registry.path", "expected a key prefix like \"/services\", got \"" + reg.path + "\"");
  r.reject_unknown();
  return reg;
}

// "invariants": what must hold at every poll; they read the Consul catalog.
InvariantSpec ScenarioParser::parse_invariants(const json& invariants, const RegistrySpec& registry) {
  InvariantSpec inv;
  FieldReader r(invariants, "invariants");
  r.get("comment");
  inv.no_duplicate_ids = r.optional_bool("no_duplicate_ids").value_or(false);
  if (const auto* within = r.get("stopped_deregistered_within"))
    inv.stopped_deregistered_within = duration_at(*within, r.path_of("stopped_deregistered_within"));
  inv.ignored_never_registered = r.optional_bool("ignored_never_registered").value_or(false);
  r.reject_unknown();
  if (inv.any() && registry.backend != RegistryBackend::consul)
    throw ScenarioError("invariants", "invariants read the Consul catalog; this scenario's registry is etcd");
  return inv;
}

// "images": image name -> Docker-shaped config, passed to fake-docker as written.
json ScenarioParser::parse_images(const json& images) {
  for (const auto& [name, config] : images.items())
    if (!config.is_object())
      throw ScenarioError(path_key("images", name),
                          "expected an image config object like {\"ExposedPorts\": {\"80/tcp\": {}}}, got " +
                              describe_json(config));
  return images;
}

HostSpec ScenarioParser::parse_host(const json& value, const std::string& path, const Scenario& s) {
  FieldReader r(value, path);
  HostSpec h;
  h.name = r.required_string("name");
  if (!is_simple_name(h.name))
    throw ScenarioError(r.path_of("name"), "expected letters, digits, '-', '_' or '.', got \"" + h.name + "\"");
  if (s.find_host(h.name)) throw ScenarioError(r.path_of("name"), "duplicate host name \"" + h.name + "\"");
  if (auto dc = r.optional_string("datacenter")) {
    h.datacenter = known_datacenter(*dc, r.path_of("datacenter"), s);
  }
  if (auto ip = r.optional_string("ip")) {
    if (!is_ipv4(*ip)) throw ScenarioError(r.path_of("ip"), "expected an IPv4 address, got \"" + *ip + "\"");
    h.ip = *ip;
  }
  if (const auto* reg = r.object("registrator", false)) {
    FieldReader rr(*reg, r.path_of("registrator"));
    rr.get("comment");
    if (auto binary = rr.optional_string("binary")) {
      std::filesystem::path p(*binary);
      h.registrator.binary = (p.is_relative() ? base_dir_ / p : p).lexically_normal().string();
    }
    if (const auto* args = rr.array("args", false)) {
      for (std::size_t i = 0; i < args->size(); ++i) {
        const auto& a = (*args)[i];
        if (!a.is_string())
          throw ScenarioError(path_index(rr.path_of("args"), i), "expected a string, got " + describe_json(a));
        h.registrator.args.push_back(a.get<std::string>());
      }
    }
    rr.reject_unknown();
  }
  if (const auto* docker = r.object("docker", false)) h.docker = parse_docker(*docker, r.path_of("docker"));
  r.get("comment");
  r.reject_unknown();
  return h;
}

DockerSpec ScenarioParser::parse_docker(const json& value, const std::string& path) {
  FieldReader r(value, path);
  DockerSpec d;
  auto version = [&](const char* key) -> std::string {
    const auto v = r.optional_string(key);
    if (!v) return {};
    const auto dot = v->find('.');
    const bool ok = dot != std::string::npos && dot > 0 && dot + 1 < v->size() &&
                    v->find_first_not_of("0123456789.") == std::string::npos && v->find('.', dot + 1) == std::string::npos;
    if (!ok) throw ScenarioError(r.path_of(key), "expected an API version like \"1.44\", got \"" + *v + "\"");
    return *v;
  };
  d.api_version = version("api_version");
  d.min_api_version = version("min_api_version");
  if (auto subnet = r.optional_string("bridge_subnet")) {
    // fake-docker hands out whole /16s of 172.16.0.0/12, as the engine's default pools.
    const std::string prefix = "172.", suffix = ".0.0/16";
    const auto n = subnet->starts_with(prefix) && subnet->ends_with(suffix) && subnet->size() > prefix.size() + suffix.size()
                       ? subnet->substr(prefix.size(), subnet->size() - prefix.size() - suffix.size())
                       : std::string{};
    const bool ok = !n.empty() && n.size() <= 2 && n.find_first_not_of("0123456789") == std::string::npos &&
                    std::stoi(n) >= 16 && std::stoi(n) <= 31;
    if (!ok) throw ScenarioError(r.path_of("bridge_subnet"), "expected 172.N.0.0/16 with N from 16 to 31, got \"" + *subnet + "\"");
    d.bridge_subnet = *subnet;
  }
  if (const auto* images = r.object("images", false)) d.images = *images;
  r.get("comment");
  r.reject_unknown();
  return d;
}

StepAction ScenarioParser::parse_step(const json& value, const std::string& path, const Scenario& s) {
  FieldReader r(value, path);
  r.get("comment");
  const auto action = r.optional_choice(
      "action", {"run", "churn", "network_create", "network_connect", "network_disconnect", "start", "stop", "kill", "rm", "exit", "compose_up", "compose_down", "drop_events", "restart_docker", "stop_registrator",
                 "start_registrator", "restart_registrator", "consul_register", "consul_query", "consul_fault", "consul_clear_faults",
                 "consul_lose_state", "consul_check", "consul_maintenance", "restart_consul", "docker_fault",
                 "docker_clear_faults", "wait", "expect", "wait_for"});
  if (!action) throw ScenarioError(r.path_of("action"), "required string is missing");
  StepAction out;
  if (*action == "run") out = parse_run(r, s);
  else if (*action == "churn") out = parse_churn(r, s);
  else if (action->starts_with("network_")) out = parse_network_op(r, s, *action);
  else if (action->starts_with("compose_")) out = parse_compose(r, s, *action);
  else if (action->starts_with("consul_") || *action == "restart_consul") out = parse_consul_op(r, s, *action);
  else if (action->starts_with("docker_")) out = parse_docker_fault(r, s, *action);
  else if (*action == "wait") out = PauseAction{duration_at(required(r, "duration"), r.path_of("duration"))};
  else if (*action == "expect" || *action == "wait_for") out = parse_check(r, s, *action == "wait_for");
  else if (*action == "drop_events" || *action == "restart_docker" || action->ends_with("_registrator"))
    out = parse_daemon_op(r, s, *action);
  else out = parse_container_op(r, s, *action);
  r.reject_unknown();
  return out;
}

}  // namespace regsim::parsing
