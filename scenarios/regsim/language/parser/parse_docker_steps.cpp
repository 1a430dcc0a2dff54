// Scenario parser: steps that act on a host's Docker (run, churn, container and network
// operations, daemon and registrator restarts, Docker faults).
#include "scenarios/regsim/language/parser/scenario_parser_class.hpp"

#include "scenarios/regsim/language/publish_spec.hpp"

namespace regsim::parsing {

RunAction ScenarioParser::parse_run(FieldReader& r, const Scenario& s) {
  RunAction run;
  run.host = host_of(r, s);
  run.name = container_name(r, "name");
  parse_container_config(r, run);
  // Later steps and templates may now refer to this container.
  scope_.containers.insert(run.host + "/" + run.name);
  return run;
}

ChurnAction ScenarioParser::parse_churn(FieldReader& r, const Scenario& s) {
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
void ScenarioParser::parse_container_config(FieldReader& r, RunAction& run) {
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

ContainerAction ScenarioParser::parse_container_op(FieldReader& r, const Scenario& s, const std::string& action) {
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

NetworkAction ScenarioParser::parse_network_op(FieldReader& r, const Scenario& s, const std::string& action) {
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

DaemonAction ScenarioParser::parse_daemon_op(FieldReader& r, const Scenario& s, const std::string& action) {
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

DockerFaultAction ScenarioParser::parse_docker_fault(FieldReader& r, const Scenario& s, const std::string& action) {
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

}  // namespace regsim::parsing
