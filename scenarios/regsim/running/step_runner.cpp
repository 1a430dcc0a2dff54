#include "scenarios/regsim/running/step_runner.hpp"

#include "scenarios/regsim/checks/catalog_check.hpp"
#include "scenarios/regsim/language/churn_plan.hpp"
#include "scenarios/regsim/running/registrator_flags.hpp"
#include "scenarios/regsim/checks/running_group_check.hpp"

#include <set>
#include "scenarios/regsim/peers/consul_writer.hpp"
#include "scenarios/regsim/peers/consul_reader.hpp"
#include "scenarios/regsim/checks/dns_check.hpp"
#include "scenarios/regsim/peers/etcd_query.hpp"
#include "scenarios/regsim/checks/invariant_sampler.hpp"
#include "scenarios/regsim/interrupt.hpp"

#include <thread>

namespace regsim {
namespace {

constexpr auto poll_interval = std::chrono::milliseconds(50);

const char* op_name(ContainerOp op) {
  switch (op) {
    case ContainerOp::start: return "start";
    case ContainerOp::stop: return "stop";
    case ContainerOp::kill: return "kill";
    case ContainerOp::rm: return "rm";
    case ContainerOp::exit: return "exit";
  }
  return "?";
}

const char* op_name(DaemonOp op) {
  switch (op) {
    case DaemonOp::drop_events: return "drop_events";
    case DaemonOp::restart_docker: return "restart_docker";
    case DaemonOp::stop_registrator: return "stop_registrator";
    case DaemonOp::start_registrator: return "start_registrator";
    case DaemonOp::restart_registrator: return "restart_registrator";
  }
  return "?";
}

const char* op_name(ConsulOp op) {
  switch (op) {
    case ConsulOp::register_service: return "consul_register";
    case ConsulOp::fault: return "consul_fault";
    case ConsulOp::clear_faults: return "consul_clear_faults";
    case ConsulOp::lose_state: return "consul_lose_state";
    case ConsulOp::check_status: return "consul_check";
    case ConsulOp::maintenance: return "consul_maintenance";
    case ConsulOp::restart: return "restart_consul";
  }
  return "?";
}

const char* check_kind(const Condition& condition) {
  if (const auto* c = std::get_if<CatalogCondition>(&condition))
    return c->list == RegistryList::health_checks ? "checks" : c->list == RegistryList::etcd_keys ? "keys" : "catalog";
  if (std::holds_alternative<DnsCondition>(condition)) return "dns";
  if (std::holds_alternative<RunningGroupCondition>(condition)) return "running";
  return "container";
}

Duration since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start);
}

std::string step_name(const Step& step) {
  return step.path + (step.line ? " (line " + std::to_string(*step.line) + ")" : std::string{});
}


}  // namespace

std::string check_label(const CheckAction& check) {
  std::string label;
  if (const auto* c = std::get_if<CatalogCondition>(&check.condition)) {
    label = std::string(check_kind(check.condition)) + " " + c->service;
    if (!c->datacenter.empty()) label += " in " + c->datacenter;
    if (!c->via.empty()) label += " asked of " + c->via;
    if (c->match == MatchMode::contains) label += " (contains)";
  } else if (const auto* d = std::get_if<DnsCondition>(&check.condition)) {
    label = std::string("dns ") + (d->type == DnsType::A ? "A " : "SRV ") + d->name + (d->tcp ? " (tcp)" : "") +
            (d->datacenter.empty() ? "" : " asked of " + d->datacenter);
  } else if (const auto* g = std::get_if<RunningGroupCondition>(&check.condition)) {
    label = "catalog " + g->service + " = running " + g->host + "/" + g->group + "-*";
  } else {
    const auto& k = std::get<ContainerCondition>(check.condition);
    label = "container " + k.host + "/" + k.container + " " + k.state;
  }
  if (check.holds_for) label += " for " + format_duration(*check.holds_for);
  return (check.wait_for ? "wait for " : "") + label;
}

StepRunner::StepRunner(const Scenario& scenario, ScenarioEnvironment& environment, Reporter& reporter)
    : scenario_(scenario),
      env_(environment),
      reporter_(reporter),
      facts_(scenario, [this](const std::string& host) -> DockerControl& { return env_.docker(host); }) {}

void StepRunner::run_all() {
  std::unique_ptr<InvariantSampler> sampler;
  if (scenario_.invariants.any()) {
    std::map<std::string, DockerControl> dockers;
    for (const auto& host : scenario_.hosts) dockers.emplace(host.name, env_.docker(host.name));
    sampler = std::make_unique<InvariantSampler>(scenario_, env_.consul_https(), std::move(dockers));
  }
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < scenario_.steps.size(); ++i) {
    throw_if_interrupted();
    step_position_ = "step " + std::to_string(i + 1) + "/" + std::to_string(scenario_.steps.size());
    reporter_.status(step_position_ + "  " + scenario_.name);
    if (!run_step(scenario_.steps[i])) {
      const auto left = scenario_.steps.size() - i - 1;
      if (left) reporter_.note("skipped the remaining " + std::to_string(left) + " step(s)");
      break;
    }
  }
  if (!sampler) return;
  for (const auto& v : sampler->finish()) {
    const CheckMeta meta{"invariant", since(started)};
    if (v.held) reporter_.pass(v.label, v.detail, meta);
    else reporter_.fail(v.label, v.detail, meta);
  }
}

bool StepRunner::run_step(const Step& step) {
  if (const auto* c = std::get_if<CheckAction>(&step.action)) return check(*c);
  if (const auto* p = std::get_if<PauseAction>(&step.action)) {
    reporter_.progress("wait " + format_duration(p->duration));
    reporter_.status(step_position_ + "  wait " + format_duration(p->duration));
    pause_for(p->duration);
    return true;
  }
  std::string what;
  try {
    if (const auto* r = std::get_if<RunAction>(&step.action)) {
      what = "run " + r->host + "/" + r->name;
      run_action(*r);
    } else if (const auto* n = std::get_if<NetworkAction>(&step.action)) {
      what = std::string(n->op == NetworkOp::create ? "network_create " : n->op == NetworkOp::connect ? "network_connect "
                                                                                                        : "network_disconnect ") +
             n->host + "/" + n->network;
      network_action(*n);
    } else if (const auto* churn = std::get_if<ChurnAction>(&step.action)) {
      what = "churn " + churn->container.host + "/" + churn->container.name;
      churn_action(*churn);
    } else if (const auto* c = std::get_if<ConsulAction>(&step.action)) {
      what = op_name(c->op);
      consul_action(*c);
    } else if (const auto* f = std::get_if<DockerFaultAction>(&step.action)) {
      what = std::string(f->clear ? "docker_clear_faults " : "docker_fault ") + f->host;
      docker_fault_action(*f);
    } else if (const auto* d = std::get_if<DaemonAction>(&step.action)) {
      what = std::string(op_name(d->op)) + " " + d->host;
      daemon_action(*d);
    } else {
      const auto& a = std::get<ContainerAction>(step.action);
      what = std::string(op_name(a.op)) + " " + a.host + "/" + a.container;
      container_action(a);
    }
    return true;
  } catch (const DockerError& e) {
    reporter_.fail(step_name(step) + " " + what, e.what(), {"step"});
  } catch (const TemplateError& e) {
    reporter_.fail(step_name(step) + " " + what, e.what(), {"step"});
  } catch (const LaunchError& e) {
    reporter_.fail(step_name(step) + " " + what, e.what(), {"step"});
  } catch (const ConsulError& e) {
    reporter_.fail(step_name(step) + " " + what, e.what(), {"step"});
  }
  return false;
}

void StepRunner::run_action(const RunAction& run) {
  RunAction expanded = run;
  for (auto& [k, v] : expanded.env) v = expand_text(v, facts_);
  for (auto& [k, v] : expanded.labels) v = expand_text(v, facts_);
  auto& docker = env_.docker(run.host);
  const auto id = docker.run(expanded);
  const auto facts = facts_.observe(run.host, run.name);
  reporter_.progress("run " + run.host + "/" + run.name + ": id " + id.substr(0, 12) +
                     (facts && !facts->ip.empty() ? ", ip " + facts->ip : std::string{}));
}

void StepRunner::network_action(const NetworkAction& n) {
  auto& docker = env_.docker(n.host);
  switch (n.op) {
    case NetworkOp::create:
      docker.create_network(n.network);
      reporter_.progress("network create " + n.host + "/" + n.network);
      return;
    case NetworkOp::connect:
      docker.connect_network(n.network, n.container);
      break;
    case NetworkOp::disconnect:
      docker.disconnect_network(n.network, n.container);
      break;
  }
  facts_.observe(n.host, n.container);
  reporter_.progress(std::string(n.op == NetworkOp::connect ? "network connect " : "network disconnect ") + n.host +
                     "/" + n.network + " " + n.container);
}

void StepRunner::churn_action(const ChurnAction& churn) {
  RunAction container = churn.container;
  for (auto& [k, v] : container.env) v = expand_text(v, facts_);
  for (auto& [k, v] : container.labels) v = expand_text(v, facts_);
  auto& docker = env_.docker(churn.container.host);
  const auto plan = plan_churn(churn);
  const auto group = churn.container.host + "/" + churn.container.name;
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0, started = 0;
  // The plan is a timeline: each operation waits for its moment, and when fake-docker is slower
  // than the plan the operations simply follow one another (the summary gives the real rate).
  for (const auto& event : plan) {
    if (const auto due = start + event.at; std::chrono::steady_clock::now() < due)
      pause_for(std::chrono::duration_cast<Duration>(due - std::chrono::steady_clock::now()));
    throw_if_interrupted();
    const auto name = churn_container_name(churn.container.name, event.index);
    if (event.start) {
      container.name = name;
      docker.run(container);
      ++started;
    } else {
      docker.end(name, event.end);
    }
    if (++done % 100 == 0)
      reporter_.status(step_position_ + "  churn " + group + ": " + std::to_string(done) + "/" +
                       std::to_string(plan.size()) + " operations");
  }
  const auto took = since(start);
  const double seconds = std::max<double>(took.count(), 1) / 1000.0;
  reporter_.progress("churn " + group + ": " + std::to_string(started) + " containers started, " +
                     std::to_string(plan.size() - started) + " ended, " + std::to_string(started * 2 - plan.size()) +
                     " left running; " + std::to_string(plan.size()) + " operations in " + format_duration(took) + " (" +
                     std::to_string(static_cast<long>(plan.size() / seconds)) + "/s)");
}

void StepRunner::container_action(const ContainerAction& a) {
  auto& docker = env_.docker(a.host);
  if (a.op != ContainerOp::start) facts_.observe(a.host, a.container);  // remember its IP before it goes
  switch (a.op) {
    case ContainerOp::start: docker.start(a.container); break;
    case ContainerOp::stop: docker.stop(a.container); break;
    case ContainerOp::kill: docker.kill(a.container, a.signal); break;
    case ContainerOp::rm: docker.remove(a.container); break;
    case ContainerOp::exit: docker.exit(a.container, a.exit_code); break;
  }
  reporter_.progress(std::string(op_name(a.op)) + " " + a.host + "/" + a.container +
                     (a.op == ContainerOp::exit ? " with code " + std::to_string(a.exit_code) : std::string{}));
}

void StepRunner::docker_fault_action(const DockerFaultAction& f) {
  auto& docker = env_.docker(f.host);
  if (f.clear) {
    docker.clear_faults();
    reporter_.progress("docker_clear_faults " + f.host);
    return;
  }
  auto rule = f.fault;
  rule["spare_user_agent"] = kRegsimUserAgent;  // regsim's own docker operations and polls go through
  docker.add_fault(rule);
  reporter_.progress("docker_fault " + f.host + " " + f.fault.dump());
  if (f.duration) {
    pause_for(*f.duration);
    docker.clear_faults();
    reporter_.progress("docker faults on " + f.host + " cleared after " + format_duration(*f.duration));
  }
}

void StepRunner::daemon_action(const DaemonAction& d) {
  switch (d.op) {
    case DaemonOp::drop_events: env_.docker(d.host).drop_events(); break;
    case DaemonOp::restart_docker: env_.docker(d.host).restart_daemon(d.downtime, d.live_restore); break;
    case DaemonOp::stop_registrator: env_.stop_registrator(d.host); break;
    case DaemonOp::start_registrator: env_.start_registrator(d.host); break;
    case DaemonOp::restart_registrator:
      env_.stop_registrator(d.host);
      env_.start_registrator(d.host);
      break;
  }
  reporter_.progress(std::string(op_name(d.op)) + " " + d.host);
}

void StepRunner::consul_action(const ConsulAction& c) {
  const auto& consul = env_.consul_http(c.datacenter);
  // Check and maintenance steps talk to an agent: the host's own with agent_per_host.
  const auto agent = c.host.empty() ? consul : env_.consul_agent(c.host);
  switch (c.op) {
    case ConsulOp::register_service: {
      const auto registration = expand_json(c.registration, facts_);
      consul_register_service(consul, registration);
      reporter_.progress("consul_register " + registration.value("ID", registration.value("Name", std::string{})));
      return;
    }
    case ConsulOp::fault:
      consul_add_fault(consul, c.fault);
      reporter_.progress("consul_fault " + c.fault.dump());
      if (c.duration) {
        pause_for(*c.duration);
        consul_clear_faults(consul);
        reporter_.progress("consul faults cleared after " + format_duration(*c.duration));
      }
      return;
    case ConsulOp::clear_faults:
      consul_clear_faults(consul);
      reporter_.progress("consul_clear_faults");
      return;
    case ConsulOp::lose_state:
      reporter_.progress("consul_lose_state: " + std::to_string(consul_lose_state(consul)) + " service(s) dropped");
      return;
    case ConsulOp::check_status: {
      const auto id = expand_text(c.check_id, facts_);
      consul_set_check_status(agent, id, c.status, c.note);
      reporter_.progress("consul_check " + id + " " + c.status);
      return;
    }
    case ConsulOp::maintenance: {
      const auto id = expand_text(c.service_id, facts_);
      consul_set_maintenance(agent, id, c.enable, c.reason);
      reporter_.progress("consul_maintenance " + (id.empty() ? "node" + (c.host.empty() ? "" : " of " + c.host) : id) +
                         (c.enable ? " on" : " off"));
      return;
    }
    case ConsulOp::restart:
      env_.restart_consul(c.datacenter, c.duration.value_or(Duration{0}));
      reporter_.progress("restart_consul: back after " + format_duration(c.duration.value_or(Duration{0})) +
                         ", with nothing registered");
      return;
  }
}

bool StepRunner::check(const CheckAction& check) {
  if (check.holds_for) return check_holds(check);
  const auto label = check_label(check);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + check.within;
  CheckResult result;
  const std::string budget = "/" + format_duration(check.within);
  for (;;) {
    throw_if_interrupted();
    result = evaluate(check.condition);
    if (result.held || std::chrono::steady_clock::now() >= deadline) break;
    reporter_.status(step_position_ + "  waiting for " + label + " " + format_duration(since(start)) + budget);
    std::this_thread::sleep_for(poll_interval);
  }
  const CheckMeta meta{check_kind(check.condition), since(start)};
  if (result.held) {
    reporter_.pass(label, result.detail, meta);
    reporter_.progress("held after " + format_duration(meta.took));
    return true;
  }
  std::string detail = result.detail;
  // A dead registrator explains most failures; say so next to the failure.
  for (const auto& ended : env_.ended_processes()) detail += " [" + ended + "]";
  reporter_.fail(label + " within " + format_duration(check.within), detail, meta);
  return !check.wait_for;
}

bool StepRunner::check_holds(const CheckAction& check) {
  const auto label = check_label(check);
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + *check.holds_for;
  CheckResult result;
  for (;;) {
    throw_if_interrupted();
    result = evaluate(check.condition);
    const auto now = std::chrono::steady_clock::now();
    if (!result.held) {
      std::string detail = result.detail;
      for (const auto& ended : env_.ended_processes()) detail += " [" + ended + "]";
      reporter_.fail(label, "stopped holding after " + format_duration(since(start)) + ": " + detail,
                     {check_kind(check.condition), since(start)});
      return !check.wait_for;
    }
    if (now >= until) break;
    reporter_.status(step_position_ + "  holding " + label + " " + format_duration(since(start)));
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(poll_interval, until - now));
  }
  reporter_.pass(label, result.detail, {check_kind(check.condition), since(start)});
  return true;
}

CheckResult StepRunner::evaluate(const Condition& condition) {
  try {
    if (const auto* c = std::get_if<CatalogCondition>(&condition)) return evaluate_catalog(*c);
    if (const auto* d = std::get_if<DnsCondition>(&condition)) return evaluate_dns(*d);
    if (const auto* g = std::get_if<RunningGroupCondition>(&condition)) return evaluate_running_group(*g);
    return evaluate_container(std::get<ContainerCondition>(condition));
  } catch (const TemplateError& e) {
    return {false, std::string("cannot expand ") + e.what()};
  } catch (const ConsulError& e) {
    return {false, e.what()};
  } catch (const EtcdError& e) {
    return {false, e.what()};
  } catch (const DockerError& e) {
    return {false, e.what()};
  }
}

CheckResult StepRunner::evaluate_catalog(const CatalogCondition& c) {
  std::vector<nlohmann::json> expected;
  for (const auto& e : c.entries) expected.push_back(expand_json(e, facts_));
  const auto service = expand_text(c.service, facts_);
  // Asked via another datacenter: that one's Consul, with ?dc= naming the one whose list it is.
  const auto& consul = env_.consul_http(c.via.empty() ? c.datacenter : c.via);
  const std::string dc = c.via.empty() ? std::string{} : c.datacenter;
  switch (c.list) {
    case RegistryList::health_checks:
      return compare_catalog(expected, c.match, fetch_health_checks(consul, service, dc));
    case RegistryList::etcd_keys:
      return compare_entries(expected, c.match, fetch_etcd_keys(env_.etcd(), service), "Key");
    case RegistryList::catalog_service:
      break;
  }
  return compare_catalog(expected, c.match, fetch_catalog_service(consul, service, dc));
}

CheckResult StepRunner::evaluate_dns(const DnsCondition& c) {
  DnsCondition expected = c;
  expected.name = expand_text(c.name, facts_);
  for (auto& a : expected.addresses) a = expand_text(a, facts_);
  for (auto& s : expected.srv)
    if (s.target) s.target = expand_text(*s.target, facts_);
  const auto reply = env_.dns(c.datacenter).query(expected.name, expected.type, expected.tcp);
  return compare_dns(expected, reply);
}

CheckResult StepRunner::evaluate_running_group(const RunningGroupCondition& c) {
  // The host part of service IDs is that host's registrator's -hostname, as for {{hostname HOST}}.
  const HostSpec* host = scenario_.find_host(c.host);
  const std::string hostname = host ? registrator_hostname(*host) : c.host;
  const std::string id_prefix = hostname + ":" + c.group + "-";
  std::set<std::string> expected;
  for (const auto& name : env_.docker(c.host).running_names())
    if (name.starts_with(c.group + "-")) expected.insert(hostname + ":" + name + ":" + std::to_string(c.port));
  const auto catalog =
      fetch_catalog_service(env_.consul_http(host ? host->datacenter : std::string{}), expand_text(c.service, facts_));
  return compare_running_group(expected, id_prefix, catalog);
}

CheckResult StepRunner::evaluate_container(const ContainerCondition& c) {
  const auto facts = env_.docker(c.host).inspect(c.container);
  const std::string state = facts ? facts->state : "absent";
  if (state != c.state) return {false, "state is " + state};
  if (c.exit_code && facts && facts->exit_code != *c.exit_code)
    return {false, "exit code expected " + std::to_string(*c.exit_code) + ", got " + std::to_string(facts->exit_code)};
  return {true, "state " + state + (c.exit_code ? ", exit code " + std::to_string(*c.exit_code) : std::string{})};
}

}  // namespace regsim
