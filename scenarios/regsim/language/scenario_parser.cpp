#include "scenarios/regsim/language/scenario_parser.hpp"

#include "scenarios/regsim/language/json_line_index.hpp"
#include "scenarios/regsim/language/template_text.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include <functional>
#include <set>

namespace regsim {
namespace {

using nlohmann::json;

bool is_ipv4(const std::string& text) {
  in_addr addr{};
  return inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

bool is_simple_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return std::isalnum(static_cast<unsigned char>(name[0]));
}

// Parses every template in `text` and checks that the hosts and containers it names exist.
void check_templates(const std::string& text, const std::string& path, const TemplateScope& scope) {
  try {
    check_template_scope(parse_template(text), scope);
  } catch (const TemplateError& e) {
    throw ScenarioError(path, e.what());
  }
}

void check_templates_in_json(const json& value, const std::string& path, const TemplateScope& scope) {
  if (value.is_string()) {
    check_templates(value.get<std::string>(), path, scope);
  } else if (value.is_object()) {
    for (const auto& [k, v] : value.items()) check_templates_in_json(v, path_key(path, k), scope);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) check_templates_in_json(value[i], path_index(path, i), scope);
  }
}

class Parser {
 public:
  Parser(const std::filesystem::path& base_dir) : base_dir_(base_dir) {}

  Scenario parse(const json& doc, const std::string& default_name) {
    FieldReader top(doc, "");
    Scenario s;
    s.name = top.optional_string("name").value_or(default_name);
    s.description = top.optional_string("description").value_or("");
    if (const auto* consul = top.object("consul", false)) {
      FieldReader r(*consul, "consul");
      r.get("comment");
      s.consul.datacenter = r.optional_string("datacenter").value_or("dc1");
      if (const auto* dcs = r.array("datacenters", false)) {
        if (r.has("datacenter"))
          throw ScenarioError("consul.datacenters", "give \"datacenter\" (one) or \"datacenters\" (several), not both");
        if (dcs->empty()) throw ScenarioError("consul.datacenters", "at least one datacenter is required");
        s.consul.datacenters.clear();
        for (std::size_t i = 0; i < dcs->size(); ++i) {
          const auto item = path_index("consul.datacenters", i);
          const auto& dc = (*dcs)[i];
          if (!dc.is_string() || !is_simple_name(dc.get<std::string>()))
            throw ScenarioError(item, "expected a datacenter name (letters, digits, '-', '_' or '.'), got " + describe_json(dc));
          if (std::find(s.consul.datacenters.begin(), s.consul.datacenters.end(), dc.get<std::string>()) !=
              s.consul.datacenters.end())
            throw ScenarioError(item, "duplicate datacenter " + dc.dump());
          s.consul.datacenters.push_back(dc.get<std::string>());
        }
        s.consul.datacenter = s.consul.datacenters.front();
      } else {
        s.consul.datacenters = {s.consul.datacenter};
      }
      s.consul.node = r.optional_string("node").value_or("node1");
      s.consul.agent_per_host = r.optional_bool("agent_per_host").value_or(false);
      if (const auto* dns = r.object("dns", false)) s.consul.dns = parse_consul_dns(*dns, r.path_of("dns"));
      if (!is_simple_name(s.consul.datacenter))
        throw ScenarioError("consul.datacenter", "expected letters, digits, '-', '_' or '.', got \"" +
                                                     s.consul.datacenter + "\"");
      if (!is_simple_name(s.consul.node))
        throw ScenarioError("consul.node", "expected letters, digits, '-', '_' or '.', got \"" + s.consul.node + "\"");
      r.reject_unknown();
    }
    if (const auto* registry = top.object("registry", false)) {
      FieldReader r(*registry, "registry");
      r.get("comment");
      const auto backend = r.optional_choice("backend", {"consul", "etcd", "skydns2"}).value_or("consul");
      s.registry.backend = backend == "etcd"      ? RegistryBackend::etcd
                           : backend == "skydns2" ? RegistryBackend::skydns2
                                                  : RegistryBackend::consul;
      const auto path = r.optional_string("path");
      if (s.registry.backend == RegistryBackend::consul && path)
        throw ScenarioError("registry.path", "only the etcd and skydns2 backends take a path");
      s.registry.path = path.value_or(s.registry.backend == RegistryBackend::etcd      ? "/services"
                                      : s.registry.backend == RegistryBackend::skydns2 ? "skydns.local"
                                                                                       : "");
      if (s.registry.backend == RegistryBackend::skydns2 &&
          (s.registry.path.empty() || s.registry.path.find('/') != std::string::npos))
        throw ScenarioError("registry.path", "expected a DNS domain like \"skydns.local\", got \"" + s.registry.path + "\"");
      if (s.registry.backend == RegistryBackend::etcd && s.registry.path.find("//") != std::string::npos)
        throw ScenarioError("registry.path", "expected a key prefix like \"/services\", got \"" + s.registry.path + "\"");
      r.reject_unknown();
    }
    if (const auto* invariants = top.object("invariants", false)) {
      FieldReader r(*invariants, "invariants");
      r.get("comment");
      s.invariants.no_duplicate_ids = r.optional_bool("no_duplicate_ids").value_or(false);
      if (const auto* within = r.get("stopped_deregistered_within"))
        s.invariants.stopped_deregistered_within = duration_at(*within, r.path_of("stopped_deregistered_within"));
      s.invariants.ignored_never_registered = r.optional_bool("ignored_never_registered").value_or(false);
      r.reject_unknown();
      if (s.invariants.any() && s.registry.backend != RegistryBackend::consul)
        throw ScenarioError("invariants", "invariants read the Consul catalog; this scenario's registry is etcd");
    }
    if (const auto* images = top.object("images", false)) {
      for (const auto& [name, config] : images->items())
        if (!config.is_object())
          throw ScenarioError(path_key("images", name),
                              "expected an image config object like {\"ExposedPorts\": {\"80/tcp\": {}}}, got " +
                                  describe_json(config));
      s.images = *images;
    }
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

 private:
  Duration duration_at(const json& value, const std::string& path) {
    const std::string example = "expected a duration like \"5s\", \"500ms\" or \"1m\", got ";
    if (!value.is_string()) throw ScenarioError(path, example + describe_json(value));
    auto d = parse_duration(value.get<std::string>());
    if (!d) throw ScenarioError(path, example + describe_json(value));
    return *d;
  }

  HostSpec parse_host(const json& value, const std::string& path, const Scenario& s) {
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

  ConsulSpec::Dns parse_consul_dns(const json& value, const std::string& path) {
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

  DockerSpec parse_docker(const json& value, const std::string& path) {
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

  // A datacenter the consul section declares; "" for the first (the default).
  std::string known_datacenter(const std::string& dc, const std::string& path, const Scenario& s) {
    const auto& dcs = s.consul.datacenters;
    if (std::find(dcs.begin(), dcs.end(), dc) == dcs.end()) {
      std::string known;
      for (const auto& d : dcs) known += (known.empty() ? "" : ", ") + d;
      throw ScenarioError(path, "no datacenter \"" + dc + "\" (the consul section declares " + known + ")");
    }
    return dc == dcs.front() ? std::string{} : dc;
  }
  std::string optional_datacenter(FieldReader& r, const Scenario& s) {
    auto dc = r.optional_string("datacenter");
    return dc ? known_datacenter(*dc, r.path_of("datacenter"), s) : std::string{};
  }

  // "host" may be left out when the scenario has one host.
  std::string host_of(FieldReader& r, const Scenario& s) {
    auto host = r.optional_string("host");
    if (!host) {
      if (s.hosts.size() == 1) return s.hosts[0].name;
      throw ScenarioError(r.path_of("host"), "required when the scenario has more than one host");
    }
    if (!s.find_host(*host)) throw ScenarioError(r.path_of("host"), "no host named \"" + *host + "\"");
    return *host;
  }

  std::string known_container(FieldReader& r, const std::string& key, const std::string& host) {
    const auto name = r.required_string(key);
    if (!scope_.containers.count(host + "/" + name))
      throw ScenarioError(r.path_of(key), "no earlier step runs a container \"" + name + "\" on " + host);
    return name;
  }

  StepAction parse_step(const json& value, const std::string& path, const Scenario& s) {
    FieldReader r(value, path);
    r.get("comment");
    const auto action = r.optional_choice(
        "action", {"run", "churn", "network_create", "network_connect", "network_disconnect", "start", "stop", "kill", "rm", "exit", "drop_events", "restart_docker", "stop_registrator",
                   "start_registrator", "restart_registrator", "consul_register", "consul_fault", "consul_clear_faults",
                   "consul_lose_state", "consul_check", "consul_maintenance", "restart_consul", "docker_fault",
                   "docker_clear_faults", "wait", "expect", "wait_for"});
    if (!action) throw ScenarioError(r.path_of("action"), "required string is missing");
    StepAction out;
    if (*action == "run") out = parse_run(r, s);
    else if (*action == "churn") out = parse_churn(r, s);
    else if (action->starts_with("network_")) out = parse_network_op(r, s, *action);
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

  const json& required(FieldReader& r, const std::string& key) {
    const auto* v = r.get(key);
    if (!v) throw ScenarioError(r.path_of(key), "required value is missing");
    return *v;
  }

  std::string templated_string(const json& value, const std::string& path) {
    if (!value.is_string()) throw ScenarioError(path, "expected a string, got " + describe_json(value));
    check_templates(value.get<std::string>(), path, scope_);
    return value.get<std::string>();
  }

  RunAction parse_run(FieldReader& r, const Scenario& s) {
    RunAction run;
    run.host = host_of(r, s);
    run.name = container_name(r, "name");
    parse_container_config(r, run);
    // Later steps and templates may now refer to this container.
    scope_.containers.insert(run.host + "/" + run.name);
    return run;
  }

  // Docker wants at least two characters: [a-zA-Z0-9][a-zA-Z0-9_.-]+
  std::string container_name(FieldReader& r, const std::string& key) {
    auto name = r.required_string(key);
    if (!is_simple_name(name) || name.size() < 2)
      throw ScenarioError(r.path_of(key), "expected a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]+), got \"" +
                                              name + "\"");
    return name;
  }

  ChurnAction parse_churn(FieldReader& r, const Scenario& s) {
    ChurnAction c;
    c.container.host = host_of(r, s);
    c.container.name = container_name(r, "group");
    parse_container_config(r, c.container);
    const auto count = r.optional_int("containers", 1, 100000);
    if (!count) throw ScenarioError(r.path_of("containers"), "required number of containers (1..100000) is missing");
    c.count = *count;
    const auto rate = r.optional_int("per_second", 1, 100000);
    if (!rate) throw ScenarioError(r.path_of("per_second"), "required start rate (containers per second) is missing");
    c.per_second = *rate;
    const auto* lifetime = r.array("lifetime", true);
    const auto lifetime_path = r.path_of("lifetime");
    if (lifetime->size() != 2)
      throw ScenarioError(lifetime_path, "expected [\"MIN\", \"MAX\"], e.g. [\"100ms\", \"2s\"], got " +
                                             describe_json(*lifetime));
    c.lifetime_min = duration_at((*lifetime)[0], path_index(lifetime_path, 0));
    c.lifetime_max = duration_at((*lifetime)[1], path_index(lifetime_path, 1));
    if (c.lifetime_max < c.lifetime_min)
      throw ScenarioError(path_index(lifetime_path, 1), "the longest lifetime is shorter than the shortest");
    c.survivors_percent = r.optional_int("survivors_percent", 0, 100).value_or(0);
    c.seed = static_cast<std::uint64_t>(r.optional_int("seed", 0, 1 << 30).value_or(1));
    churn_groups_.insert(c.container.host + "/" + c.container.name);
    return c;
  }

  // image, env, labels, publish, network: what `docker run` takes besides the name.
  void parse_container_config(FieldReader& r, RunAction& run) {
    run.image = r.required_string("image");
    if (const auto* env = r.get("env")) {
      const auto env_path = r.path_of("env");
      if (env->is_object()) {
        for (const auto& [k, v] : env->items()) run.env.emplace_back(k, templated_string(v, path_key(env_path, k)));
      } else if (env->is_array()) {
        for (std::size_t i = 0; i < env->size(); ++i) {
          const auto item_path = path_index(env_path, i);
          const auto item = templated_string((*env)[i], item_path);
          const auto eq = item.find('=');
          if (eq == std::string::npos || eq == 0)
            throw ScenarioError(item_path, "expected \"KEY=VALUE\", got \"" + item + "\"");
          run.env.emplace_back(item.substr(0, eq), item.substr(eq + 1));
        }
      } else {
        throw ScenarioError(env_path, "expected an object {\"KEY\": \"VALUE\"} or an array [\"KEY=VALUE\"], got " +
                                          describe_json(*env));
      }
    }
    if (const auto* labels = r.object("labels", false))
      for (const auto& [k, v] : labels->items())
        run.labels[k] = templated_string(v, path_key(r.path_of("labels"), k));
    if (const auto* publish = r.array("publish", false)) {
      for (std::size_t i = 0; i < publish->size(); ++i) {
        const auto& p = (*publish)[i];
        const auto item_path = path_index(r.path_of("publish"), i);
        const std::string shape = "expected \"HOSTPORT:CONTAINERPORT\" (or \"[IP:]HOSTPORT:CONTAINERPORT[/udp]\"), got ";
        if (!p.is_string()) throw ScenarioError(item_path, shape + describe_json(p));
        auto spec = parse_publish(p.get<std::string>());
        if (!spec) throw ScenarioError(item_path, shape + describe_json(p));
        run.publish.push_back(*spec);
      }
    }
    if (auto network = r.optional_string("network")) run.network = *network;
  }

  ContainerAction parse_container_op(FieldReader& r, const Scenario& s, const std::string& action) {
    ContainerAction op;
    if (action == "start") op.op = ContainerOp::start;
    else if (action == "stop") op.op = ContainerOp::stop;
    else if (action == "kill") op.op = ContainerOp::kill;
    else if (action == "rm") op.op = ContainerOp::rm;
    else op.op = ContainerOp::exit;
    op.host = host_of(r, s);
    op.container = known_container(r, "container", op.host);
    if (op.op == ContainerOp::kill) op.signal = r.optional_string("signal").value_or("");
    if (op.op == ContainerOp::exit) {
      auto code = r.optional_int("code", 0, 255);
      if (!code) throw ScenarioError(r.path_of("code"), "required exit code (0..255) is missing");
      op.exit_code = *code;
    }
    return op;
  }

  NetworkAction parse_network_op(FieldReader& r, const Scenario& s, const std::string& action) {
    NetworkAction n;
    n.host = host_of(r, s);
    n.network = container_name(r, "network");  // the same character rules
    if (action == "network_create") {
      n.op = NetworkOp::create;
      networks_.insert(n.host + "/" + n.network);
      return n;
    }
    n.op = action == "network_connect" ? NetworkOp::connect : NetworkOp::disconnect;
    if (!networks_.count(n.host + "/" + n.network))
      throw ScenarioError(r.path_of("network"), "no earlier network_create step makes \"" + n.network + "\" on " + n.host);
    n.container = known_container(r, "container", n.host);
    return n;
  }

  DaemonAction parse_daemon_op(FieldReader& r, const Scenario& s, const std::string& action) {
    DaemonAction d;
    if (action == "drop_events") d.op = DaemonOp::drop_events;
    else if (action == "restart_docker") d.op = DaemonOp::restart_docker;
    else if (action == "stop_registrator") d.op = DaemonOp::stop_registrator;
    else if (action == "start_registrator") d.op = DaemonOp::start_registrator;
    else d.op = DaemonOp::restart_registrator;
    d.host = host_of(r, s);
    if (d.op == DaemonOp::restart_docker) {
      if (const auto* downtime = r.get("downtime")) d.downtime = duration_at(*downtime, r.path_of("downtime"));
      d.live_restore = r.optional_bool("live_restore").value_or(false);
    }
    return d;
  }

  // Which agent a consul_check / consul_maintenance step talks to: with an agent per host, the
  // host's (named by "host", which may be left out with one host); otherwise the one agent.
  std::string agent_host(FieldReader& r, const Scenario& s) {
    if (s.consul.agent_per_host) return host_of(r, s);
    if (r.has("host"))
      throw ScenarioError(r.path_of("host"), "every host shares one agent here; \"host\" needs \"consul\": "
                                             "{\"agent_per_host\": true}");
    return {};
  }

  // The fault rule of a consul_fault or docker_fault step, in the fakes' /_fake/faults shape
  // ({method, path, status, body, action, delay_ms, count}), and how long it is held (if given).
  // `message_key`: the step key whose text becomes the error body ("" = none).
  std::pair<json, std::optional<Duration>> parse_fault(FieldReader& r, const std::string& message_key) {
    json rule = json::object();
    if (auto method = r.optional_choice("method", {"GET", "PUT", "POST", "DELETE"})) rule["method"] = *method;
    const auto path = r.required_string("path");
    if (!path.starts_with("/"))
      throw ScenarioError(r.path_of("path"), "expected a path prefix starting with '/', got \"" + path + "\"");
    rule["path"] = path;
    rule["status"] = r.optional_int("status", 100, 599).value_or(500);
    if (!message_key.empty())
      if (auto message = r.optional_string(message_key)) rule["body"] = *message;
    const auto action_kind = r.optional_choice("fault", {"respond", "drop", "hang", "delay"});
    if (action_kind) rule["action"] = *action_kind;
    if (const auto* delay = r.get("delay")) {
      if (action_kind != "delay") throw ScenarioError(r.path_of("delay"), "\"delay\" goes with \"fault\": \"delay\"");
      const auto d = duration_at(*delay, r.path_of("delay"));
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
      if (ms < 1 || ms > 600000)
        throw ScenarioError(r.path_of("delay"), "expected a delay between 1ms and 10m, got \"" + format_duration(d) + "\"");
      rule["delay_ms"] = ms;
    } else if (action_kind == "delay") {
      throw ScenarioError(r.path_of("delay"), "\"fault\": \"delay\" needs a \"delay\" duration, e.g. \"500ms\"");
    }
    const auto count = r.optional_int("count", 1, 1 << 30);
    if (count) rule["count"] = *count;
    std::optional<Duration> duration;
    if (const auto* d = r.get("duration")) duration = duration_at(*d, r.path_of("duration"));
    if (count && duration)
      throw ScenarioError(r.path(), "give \"count\" (the next N matching requests) or \"duration\", not both");
    return {rule, duration};
  }

  DockerFaultAction parse_docker_fault(FieldReader& r, const Scenario& s, const std::string& action) {
    DockerFaultAction f;
    f.host = host_of(r, s);
    if (action == "docker_clear_faults") {
      f.clear = true;
      return f;
    }
    auto [rule, duration] = parse_fault(r, "message");
    f.fault = std::move(rule);
    f.duration = duration;
    return f;
  }

  ConsulAction parse_consul_op(FieldReader& r, const Scenario& s, const std::string& action) {
    ConsulAction c;
    c.datacenter = optional_datacenter(r, s);
    if (action == "consul_check") {
      c.op = ConsulOp::check_status;
      c.host = agent_host(r, s);
      c.check_id = templated_string(required(r, "check"), r.path_of("check"));
      if (c.check_id.empty()) throw ScenarioError(r.path_of("check"), "must name a check ID, e.g. \"service:host1:web:80\"");
      const auto status = r.optional_choice("status", {"passing", "warning", "critical"});
      if (!status) throw ScenarioError(r.path_of("status"), "required string is missing");
      c.status = *status;
      c.note = r.optional_string("note").value_or("");
    } else if (action == "consul_maintenance") {
      c.op = ConsulOp::maintenance;
      c.host = agent_host(r, s);
      if (r.has("service")) {
        c.service_id = templated_string(required(r, "service"), r.path_of("service"));
        if (c.service_id.empty()) throw ScenarioError(r.path_of("service"), "must name a service ID (leave it out for the node)");
      }
      const auto enable = r.optional_bool("enable");
      if (!enable) throw ScenarioError(r.path_of("enable"), "required true or false is missing");
      c.enable = *enable;
      c.reason = r.optional_string("reason").value_or("");
    } else if (action == "restart_consul") {
      c.op = ConsulOp::restart;
      c.duration = Duration{0};
      if (const auto* d = r.get("downtime")) c.duration = duration_at(*d, r.path_of("downtime"));
    } else if (action == "consul_register") {
      c.op = ConsulOp::register_service;
      const auto* reg = r.object("registration", true);
      const auto reg_path = r.path_of("registration");
      const auto* id = reg->contains("ID") ? &(*reg)["ID"] : nullptr;
      const auto* name = reg->contains("Name") ? &(*reg)["Name"] : nullptr;
      if (!name || !name->is_string() || name->get<std::string>().empty())
        throw ScenarioError(path_key(reg_path, "Name"), "a registration needs a service \"Name\" string");
      if (id && !id->is_string()) throw ScenarioError(path_key(reg_path, "ID"), "expected a string, got " + describe_json(*id));
      check_templates_in_json(*reg, reg_path, scope_);
      c.registration = *reg;
    } else if (action == "consul_fault") {
      c.op = ConsulOp::fault;
      auto [rule, duration] = parse_fault(r, "message");
      c.fault = std::move(rule);
      c.duration = duration;
    } else if (action == "consul_clear_faults") {
      c.op = ConsulOp::clear_faults;
    } else {
      c.op = ConsulOp::lose_state;
    }
    return c;
  }

  CheckAction parse_check(FieldReader& r, const Scenario& s, bool wait_for) {
    CheckAction check;
    check.wait_for = wait_for;
    check.within = default_within_;
    if (const auto* within = r.get("within")) check.within = duration_at(*within, r.path_of("within"));
    if (const auto* holds = r.get("holds_for")) {
      if (r.has("within"))
        throw ScenarioError(r.path_of("holds_for"),
                            "\"holds_for\" (must hold the whole time) and \"within\" (must come true by then) exclude each other");
      check.holds_for = duration_at(*holds, r.path_of("holds_for"));
    }
    const int subjects =
        r.has("catalog") + r.has("checks") + r.has("keys") + r.has("dns") + r.has("container") + r.has("running");
    if (subjects != 1)
      throw ScenarioError(r.path(), "expected exactly one of \"catalog\", \"checks\", \"keys\", \"dns\", "
                                    "\"container\" or \"running\" (what to check)");
    if (r.has("keys") && s.registry.backend == RegistryBackend::consul)
      throw ScenarioError(r.path_of("keys"), "\"keys\" reads etcd: it needs \"registry\": {\"backend\": \"etcd\"} "
                                             "or \"skydns2\" at the top level");
    if (r.has("datacenter") && !r.has("catalog") && !r.has("checks") && !r.has("dns"))
      throw ScenarioError(r.path_of("datacenter"), "only catalog, checks and dns conditions are asked of a datacenter");
    const auto datacenter = optional_datacenter(r, s);
    std::string via;
    if (auto v = r.optional_string("via")) {
      if (!r.has("catalog") && !r.has("checks"))
        throw ScenarioError(r.path_of("via"), "only catalog and checks conditions are asked via another datacenter");
      if (!r.has("datacenter"))
        throw ScenarioError(r.path_of("via"), "\"via\" asks another datacenter's Consul about \"datacenter\": give both");
      via = known_datacenter(*v, r.path_of("via"), s);
      if (via.empty()) via = s.consul.datacenter;
    }
    // Asked via another datacenter, the list's own datacenter is named in ?dc=, even the first.
    const auto list_datacenter = via.empty() || !datacenter.empty() ? datacenter : s.consul.datacenter;
    if (r.has("catalog")) check.condition = parse_catalog(r, "catalog");
    else if (r.has("checks")) check.condition = parse_catalog(r, "checks");
    else if (r.has("keys")) check.condition = parse_catalog(r, "keys");
    else if (r.has("dns")) check.condition = parse_dns(r);
    else if (r.has("running")) check.condition = parse_running_group(r, s);
    else check.condition = parse_container_state(r, s);
    if (auto* c = std::get_if<CatalogCondition>(&check.condition)) {
      c->datacenter = list_datacenter;
      c->via = via;
    }
    if (auto* d = std::get_if<DnsCondition>(&check.condition)) d->datacenter = datacenter;
    return check;
  }

  MatchMode match_mode(FieldReader& r) {
    return r.optional_choice("match", {"exactly", "contains"}).value_or("exactly") == "contains" ? MatchMode::contains
                                                                                                : MatchMode::exactly;
  }

  // `key` is "catalog" (the service's instances), "checks" (its health checks) or "keys" (etcd
  // keys under a prefix).
  CatalogCondition parse_catalog(FieldReader& r, const std::string& key) {
    CatalogCondition c;
    c.list = key == "checks" ? RegistryList::health_checks
             : key == "keys" ? RegistryList::etcd_keys
                             : RegistryList::catalog_service;
    c.service = templated_string(*r.get(key), r.path_of(key));
    if (c.service.empty()) throw ScenarioError(r.path_of(key), key == "keys" ? "must name a key prefix" : "must name a service");
    c.match = match_mode(r);
    const auto* entries = r.array("entries", true);
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const auto& e = (*entries)[i];
      const auto item_path = path_index(r.path_of("entries"), i);
      if (!e.is_object() || e.empty())
        throw ScenarioError(item_path, std::string(key == "checks" ? "expected an object of check fields, e.g. {\"Status\": \"passing\"}"
                                                   : key == "keys"  ? "expected an object of key fields, e.g. {\"Key\": \"/services/web/host1:web:80\"}"
                                                                    : "expected an object of catalog fields, e.g. {\"ServicePort\": 80}") +
                                           ", got " + describe_json(e));
      check_templates_in_json(e, item_path, scope_);
      c.entries.push_back(e);
    }
    return c;
  }

  DnsCondition parse_dns(FieldReader& r) {
    DnsCondition d;
    d.name = templated_string(*r.get("dns"), r.path_of("dns"));
    if (d.name.empty()) throw ScenarioError(r.path_of("dns"), "must name a DNS name to query");
    d.type = r.optional_choice("type", {"A", "SRV"}).value_or("A") == "SRV" ? DnsType::SRV : DnsType::A;
    d.match = match_mode(r);
    if (auto ttl = r.optional_int("ttl", 0, 1 << 30)) {
      if (d.type != DnsType::A) throw ScenarioError(r.path_of("ttl"), "only supported for type A");
      d.ttl = static_cast<unsigned>(*ttl);
    }
    d.rcode = r.optional_choice("rcode", {"NOERROR", "NXDOMAIN"});
    d.tcp = r.optional_choice("transport", {"udp", "tcp"}).value_or("udp") == "tcp";
    const auto* answers = r.array("answers", true);
    const auto answers_path = r.path_of("answers");
    for (std::size_t i = 0; i < answers->size(); ++i) {
      const auto& a = (*answers)[i];
      const auto item_path = path_index(answers_path, i);
      if (d.type == DnsType::A) {
        const auto text = templated_string(a, item_path);
        if (!parse_template(text).has_references() && !is_ipv4(text))
          throw ScenarioError(item_path, "expected an IPv4 address or a template like \"{{ip host1/web5}}\", got \"" +
                                             text + "\"");
        d.addresses.push_back(text);
      } else {
        FieldReader sr(a, item_path);
        sr.get("comment");
        SrvAnswer srv;
        srv.port = sr.optional_int("port", 0, 65535);
        if (const auto* target = sr.get("target")) srv.target = templated_string(*target, sr.path_of("target"));
        srv.priority = sr.optional_int("priority", 0, 65535);
        srv.weight = sr.optional_int("weight", 0, 65535);
        sr.reject_unknown();
        if (!srv.port && !srv.target)
          throw ScenarioError(item_path, "an SRV answer needs at least \"port\" or \"target\"");
        d.srv.push_back(srv);
      }
    }
    if (d.rcode == "NXDOMAIN" && !answers->empty())
      throw ScenarioError(r.path_of("rcode"), "NXDOMAIN has no answers, but \"answers\" lists some");
    return d;
  }

  RunningGroupCondition parse_running_group(FieldReader& r, const Scenario& s) {
    RunningGroupCondition c;
    c.host = host_of(r, s);
    c.group = r.required_string("running");
    if (!churn_groups_.count(c.host + "/" + c.group))
      throw ScenarioError(r.path_of("running"), "no earlier churn step starts a group \"" + c.group + "\" on " + c.host);
    const auto* service = r.get("service");
    if (!service) throw ScenarioError(r.path_of("service"), "required service name is missing");
    c.service = templated_string(*service, r.path_of("service"));
    const auto port = r.optional_int("port", 1, 65535);
    if (!port) throw ScenarioError(r.path_of("port"), "required container port (as in the service IDs) is missing");
    c.port = *port;
    return c;
  }

  ContainerCondition parse_container_state(FieldReader& r, const Scenario& s) {
    ContainerCondition c;
    c.host = host_of(r, s);
    c.container = known_container(r, "container", c.host);
    auto state = r.optional_choice(
        "state", {"created", "running", "paused", "restarting", "exited", "dead", "absent"});
    if (!state) throw ScenarioError(r.path_of("state"), "required state (running, exited, absent, ...) is missing");
    c.state = *state;
    c.exit_code = r.optional_int("exit_code", 0, 255);
    return c;
  }

  std::filesystem::path base_dir_;
  Duration default_within_{5000};
  TemplateScope scope_;
  std::set<std::string> churn_groups_;  // "host/group" of churn steps so far
  std::set<std::string> networks_;      // "host/network" of network_create steps so far
};

}  // namespace

Scenario parse_scenario(const nlohmann::json& document, const std::filesystem::path& base_dir,
                        const std::string& default_name) {
  return Parser(base_dir).parse(document, default_name);
}

}  // namespace regsim
