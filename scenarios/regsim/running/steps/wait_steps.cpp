#include "scenarios/regsim/running/steps/wait_steps.hpp"

#include "scenarios/regsim/checks/catalog_check.hpp"
#include "scenarios/regsim/checks/dns_check.hpp"
#include "scenarios/regsim/checks/running_group_check.hpp"
#include "scenarios/regsim/interrupt.hpp"
#include "scenarios/regsim/peers/consul_reader.hpp"
#include "scenarios/regsim/peers/etcd_query.hpp"
#include "scenarios/regsim/running/registrator_flags.hpp"

#include <set>
#include <thread>

namespace regsim {
namespace {

constexpr auto poll_interval = std::chrono::milliseconds(50);

const char* check_kind(const Condition& condition) {
  if (const auto* c = std::get_if<CatalogCondition>(&condition))
    return c->list == RegistryList::health_checks ? "checks" : c->list == RegistryList::etcd_keys ? "keys" : "catalog";
  if (std::holds_alternative<DnsCondition>(condition)) return "dns";
  if (std::holds_alternative<RunningGroupCondition>(condition)) return "running";
  return "container";
}

CheckResult evaluate_running_group(StepContext& ctx, const RunningGroupCondition& c) {
  // The host part of service IDs is that host's registrator's -hostname, as for {{hostname HOST}}.
  const HostSpec* host = ctx.scenario.find_host(c.host);
  const std::string hostname = host ? registrator_hostname(*host) : c.host;
  const std::string id_prefix = hostname + ":" + c.group + "-";
  std::set<std::string> expected;
  for (const auto& name : ctx.env.docker(c.host).running_names())
    if (name.starts_with(c.group + "-")) expected.insert(hostname + ":" + name + ":" + std::to_string(c.port));
  const auto catalog =
      fetch_catalog_service(ctx.env.consul_http(host ? host->datacenter : std::string{}), expand_text(c.service, ctx.facts));
  return compare_running_group(expected, id_prefix, catalog);
}

CheckResult evaluate_container(StepContext& ctx, const ContainerCondition& c) {
  const auto facts = ctx.env.docker(c.host).inspect(c.container);
  const std::string state = facts ? facts->state : "absent";
  if (state != c.state) return {false, "state is " + state};
  if (c.exit_code && facts && facts->exit_code != *c.exit_code)
    return {false, "exit code expected " + std::to_string(*c.exit_code) + ", got " + std::to_string(facts->exit_code)};
  return {true, "state " + state + (c.exit_code ? ", exit code " + std::to_string(*c.exit_code) : std::string{})};
}

CheckResult evaluate_catalog(StepContext& ctx, const CatalogCondition& c) {
  std::vector<nlohmann::json> expected;
  for (const auto& e : c.entries) expected.push_back(expand_json(e, ctx.facts));
  const auto service = expand_text(c.service, ctx.facts);
  // Asked via another datacenter: that one's Consul, with ?dc= naming the one whose list it is.
  const auto& consul = ctx.env.consul_http(c.via.empty() ? c.datacenter : c.via);
  const std::string dc = c.via.empty() ? std::string{} : c.datacenter;
  switch (c.list) {
    case RegistryList::health_checks:
      return compare_catalog(expected, c.match, fetch_health_checks(consul, service, dc));
    case RegistryList::etcd_keys:
      return compare_entries(expected, c.match, fetch_etcd_keys(ctx.env.etcd(), service), "Key");
    case RegistryList::catalog_service:
      break;
  }
  return compare_catalog(expected, c.match, fetch_catalog_service(consul, service, dc));
}

CheckResult evaluate_dns(StepContext& ctx, const DnsCondition& c) {
  DnsCondition expected = c;
  expected.name = expand_text(c.name, ctx.facts);
  for (auto& a : expected.addresses) a = expand_text(a, ctx.facts);
  for (auto& s : expected.srv)
    if (s.target) s.target = expand_text(*s.target, ctx.facts);
  const auto reply = ctx.env.dns(c.datacenter).query(expected.name, expected.type, expected.tcp);
  return compare_dns(expected, reply);
}

CheckResult evaluate(StepContext& ctx, const Condition& condition) {
  try {
    if (const auto* c = std::get_if<CatalogCondition>(&condition)) return evaluate_catalog(ctx, *c);
    if (const auto* d = std::get_if<DnsCondition>(&condition)) return evaluate_dns(ctx, *d);
    if (const auto* g = std::get_if<RunningGroupCondition>(&condition)) return evaluate_running_group(ctx, *g);
    return evaluate_container(ctx, std::get<ContainerCondition>(condition));
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

// A check with holds_for: evaluated at every poll for the whole duration.
bool check_holds(StepContext& ctx, const CheckAction& check) {
  const auto label = check_label(check);
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + *check.holds_for;
  CheckResult result;
  for (;;) {
    throw_if_interrupted();
    result = evaluate(ctx, check.condition);
    const auto now = std::chrono::steady_clock::now();
    if (!result.held) {
      std::string detail = result.detail;
      for (const auto& ended : ctx.env.ended_processes()) detail += " [" + ended + "]";
      ctx.reporter.fail(label, "stopped holding after " + format_duration(since(start)) + ": " + detail,
                     {check_kind(check.condition), since(start)});
      return !check.wait_for;
    }
    if (now >= until) break;
    ctx.reporter.status(ctx.position + "  holding " + label + " " + format_duration(since(start)));
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(poll_interval, until - now));
  }
  ctx.reporter.pass(label, result.detail, {check_kind(check.condition), since(start)});
  return true;
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

std::string describe(const PauseAction& p) { return "wait " + format_duration(p.duration); }

void perform(StepContext& ctx, const PauseAction& p) {
  ctx.reporter.progress("wait " + format_duration(p.duration));
  ctx.reporter.status(ctx.position + "  wait " + format_duration(p.duration));
  pause_for(p.duration);
}

std::string describe(const CheckAction& check) { return check_label(check); }

bool perform(StepContext& ctx, const CheckAction& check) {
  if (check.holds_for) return check_holds(ctx, check);
  const auto label = check_label(check);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + check.within;
  CheckResult result;
  const std::string budget = "/" + format_duration(check.within);
  for (;;) {
    throw_if_interrupted();
    result = evaluate(ctx, check.condition);
    if (result.held || std::chrono::steady_clock::now() >= deadline) break;
    ctx.reporter.status(ctx.position + "  waiting for " + label + " " + format_duration(since(start)) + budget);
    std::this_thread::sleep_for(poll_interval);
  }
  const CheckMeta meta{check_kind(check.condition), since(start)};
  if (result.held) {
    ctx.reporter.pass(label, result.detail, meta);
    ctx.reporter.progress("held after " + format_duration(meta.took));
    return true;
  }
  std::string detail = result.detail;
  // A dead registrator explains most failures; say so next to the failure.
  for (const auto& ended : ctx.env.ended_processes()) detail += " [" + ended + "]";
  ctx.reporter.fail(label + " within " + format_duration(check.within), detail, meta);
  return !check.wait_for;
}

}  // namespace regsim
