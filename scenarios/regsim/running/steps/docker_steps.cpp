#include "scenarios/regsim/running/steps/docker_steps.hpp"

#include "scenarios/regsim/interrupt.hpp"
#include "scenarios/regsim/language/churn_plan.hpp"
#include "scenarios/regsim/peers/docker_control.hpp"

#include <algorithm>

namespace regsim {
namespace {

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

}  // namespace

std::string describe(const RunAction& run) { return "run " + run.host + "/" + run.name; }

void perform(StepContext& ctx, const RunAction& run) {
  RunAction expanded = run;
  for (auto& [k, v] : expanded.env) v = expand_text(v, ctx.facts);
  for (auto& [k, v] : expanded.labels) v = expand_text(v, ctx.facts);
  auto& docker = ctx.env.docker(run.host);
  const auto id = docker.run(expanded);
  const auto facts = ctx.facts.observe(run.host, run.name);
  ctx.reporter.progress("run " + run.host + "/" + run.name + ": id " + id.substr(0, 12) +
                     (facts && !facts->ip.empty() ? ", ip " + facts->ip : std::string{}));
}

std::string describe(const ChurnAction& churn) { return "churn " + churn.container.host + "/" + churn.container.name; }

void perform(StepContext& ctx, const ChurnAction& churn) {
  RunAction container = churn.container;
  for (auto& [k, v] : container.env) v = expand_text(v, ctx.facts);
  for (auto& [k, v] : container.labels) v = expand_text(v, ctx.facts);
  auto& docker = ctx.env.docker(churn.container.host);
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
      ctx.reporter.status(ctx.position + "  churn " + group + ": " + std::to_string(done) + "/" +
                       std::to_string(plan.size()) + " operations");
  }
  const auto took = since(start);
  const double seconds = std::max<double>(took.count(), 1) / 1000.0;
  ctx.reporter.progress("churn " + group + ": " + std::to_string(started) + " containers started, " +
                     std::to_string(plan.size() - started) + " ended, " + std::to_string(started * 2 - plan.size()) +
                     " left running; " + std::to_string(plan.size()) + " operations in " + format_duration(took) + " (" +
                     std::to_string(static_cast<long>(plan.size() / seconds)) + "/s)");
}

std::string describe(const NetworkAction& n) {
  return std::string(n.op == NetworkOp::create    ? "network_create "
                     : n.op == NetworkOp::connect ? "network_connect "
                                                  : "network_disconnect ") +
         n.host + "/" + n.network;
}

void perform(StepContext& ctx, const NetworkAction& n) {
  auto& docker = ctx.env.docker(n.host);
  switch (n.op) {
    case NetworkOp::create:
      docker.create_network(n.network);
      ctx.reporter.progress("network create " + n.host + "/" + n.network);
      return;
    case NetworkOp::connect:
      docker.connect_network(n.network, n.container);
      break;
    case NetworkOp::disconnect:
      docker.disconnect_network(n.network, n.container);
      break;
  }
  ctx.facts.observe(n.host, n.container);
  ctx.reporter.progress(std::string(n.op == NetworkOp::connect ? "network connect " : "network disconnect ") + n.host +
                     "/" + n.network + " " + n.container);
}

std::string describe(const ContainerAction& a) { return std::string(op_name(a.op)) + " " + a.host + "/" + a.container; }

void perform(StepContext& ctx, const ContainerAction& a) {
  auto& docker = ctx.env.docker(a.host);
  if (a.op != ContainerOp::start) ctx.facts.observe(a.host, a.container);  // remember its IP before it goes
  switch (a.op) {
    case ContainerOp::start: docker.start(a.container); break;
    case ContainerOp::stop: docker.stop(a.container); break;
    case ContainerOp::kill: docker.kill(a.container, a.signal); break;
    case ContainerOp::rm: docker.remove(a.container); break;
    case ContainerOp::exit: docker.exit(a.container, a.exit_code); break;
  }
  ctx.reporter.progress(std::string(op_name(a.op)) + " " + a.host + "/" + a.container +
                     (a.op == ContainerOp::exit ? " with code " + std::to_string(a.exit_code) : std::string{}));
}

std::string describe(const DaemonAction& d) { return std::string(op_name(d.op)) + " " + d.host; }

void perform(StepContext& ctx, const DaemonAction& d) {
  switch (d.op) {
    case DaemonOp::drop_events: ctx.env.docker(d.host).drop_events(); break;
    case DaemonOp::restart_docker: ctx.env.docker(d.host).restart_daemon(d.downtime, d.live_restore); break;
    case DaemonOp::stop_registrator: ctx.env.stop_registrator(d.host); break;
    case DaemonOp::start_registrator: ctx.env.start_registrator(d.host); break;
    case DaemonOp::restart_registrator:
      ctx.env.stop_registrator(d.host);
      ctx.env.start_registrator(d.host);
      break;
  }
  ctx.reporter.progress(std::string(op_name(d.op)) + " " + d.host);
}

std::string describe(const DockerFaultAction& f) { return std::string(f.clear ? "docker_clear_faults " : "docker_fault ") + f.host; }

void perform(StepContext& ctx, const DockerFaultAction& f) {
  auto& docker = ctx.env.docker(f.host);
  if (f.clear) {
    docker.clear_faults();
    ctx.reporter.progress("docker_clear_faults " + f.host);
    return;
  }
  auto rule = f.fault;
  rule["spare_user_agent"] = kRegsimUserAgent;  // regsim's own docker operations and polls go through
  docker.add_fault(rule);
  ctx.reporter.progress("docker_fault " + f.host + " " + f.fault.dump());
  if (f.duration) {
    pause_for(*f.duration);
    docker.clear_faults();
    ctx.reporter.progress("docker faults on " + f.host + " cleared after " + format_duration(*f.duration));
  }
}

}  // namespace regsim
