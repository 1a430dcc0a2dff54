#include "scenarios/regsim/running/scenario_lifecycle.hpp"

#include "scenarios/regsim/processes/external_consul.hpp"
#include "scenarios/regsim/interrupt.hpp"
#include "scenarios/regsim/netns/netns_scenario.hpp"
#include "scenarios/regsim/running/scenario_environment.hpp"
#include "scenarios/regsim/running/step_player.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include <unistd.h>
#include <stdexcept>

namespace regsim {

namespace fs = std::filesystem;

fs::path make_log_dir(const std::string& scenario_name) {
  // Unix socket paths are limited to 108 bytes, so keep the directory name short.
  std::string safe;
  for (char c : scenario_name.substr(0, 24)) safe += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  std::string pattern = (fs::temp_directory_path() / ("regsim-" + safe + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("cannot create a log directory " + pattern + ": " + std::strerror(errno));
  return pattern;
}

ScenarioOutcome run_scenario(const Scenario& scenario, const RunOptions& options, Reporter& reporter) {
  const auto started = std::chrono::steady_clock::now();
  reporter.scenario_start(scenario.name, scenario.file, scenario.description);
  ScenarioOutcome outcome;
  outcome.log_dir = make_log_dir(scenario.name);

  // With --netns the scenario runs as netns_scenario.hpp maps it: hosts at their namespace
  // addresses. Declared before `env`, which refers to them, so they outlive it.
  std::optional<NetnsPlan> netns;
  Scenario mapped;
  const Scenario* effective = &scenario;
  std::unique_ptr<ScenarioEnvironment> env;
  try {
    const auto missing = missing_programs(scenario, options);
    if (!missing.empty()) throw LaunchError(missing.front());
    if (!options.external_consul.empty()) {
      const auto problems = external_consul_problems(scenario);
      if (!problems.empty()) throw LaunchError("cannot run against --consul: " + problems.front());
      // Templates ({{node}}, {{datacenter}}) name the agent that is there; what earlier runs of
      // these hosts left in it goes first, so only this run's registrations are judged.
      const auto agent = *parse_host_port(options.external_consul);
      const auto identity = read_agent_identity(agent);
      mapped = scenario;
      mapped.consul.node = identity.node;
      mapped.consul.datacenter = identity.datacenter;
      mapped.consul.datacenters = {identity.datacenter};
      effective = &mapped;
      const auto removed = deregister_footprint(agent, service_footprint(scenario));
      reporter.progress("Consul agent " + options.external_consul + ": node " + identity.node + " in " +
                        identity.datacenter + (removed ? ", " + std::to_string(removed) + " leftover service(s) deregistered" : ""));
    }
    if (options.netns) {
      std::vector<std::string> hosts;
      for (const auto& h : scenario.hosts) hosts.push_back(h.name);
      try {
        netns = plan_netns(::getpid(), hosts);
      } catch (const NetnsPlanError& e) {
        throw LaunchError(e.what());
      }
      mapped = scenario_for_netns(scenario, *netns);
      effective = &mapped;
    }
    env = std::make_unique<ScenarioEnvironment>(*effective, options, outcome.log_dir, reporter,
                                                netns ? &*netns : nullptr);
    StepPlayer(*effective, *env, reporter).run_all();
    // Nothing should have ended on its own: a crashed registrator is a failure even when the
    // checks happened to pass before it died.
    for (const auto& ended : env->ended_processes()) reporter.fail("processes", ended + " during the scenario", {"processes"});
  } catch (const LaunchError& e) {
    reporter.fail("setup", e.what(), {"setup"});
  } catch (const Interrupted&) {
    env.reset();
    reporter.note("interrupted; logs kept in " + outcome.log_dir.string());
    throw;
  }
  env.reset();  // stops registrators, fake-dockers, fake-consul, in that order
  if (!options.external_consul.empty()) {
    // Leave the agent as it was found: registrators stopped by SIGTERM keep their services.
    try {
      deregister_footprint(*parse_host_port(options.external_consul), service_footprint(scenario));
    } catch (const LaunchError& e) {
      reporter.note(std::string("cleanup: ") + e.what());
    }
  }

  outcome.passed = reporter.scenario_failed() == 0;
  outcome.logs_kept = !outcome.passed || options.keep_logs;
  if (outcome.logs_kept) {
    reporter.note("logs: " + outcome.log_dir.string() + " (fake-consul.log, " +
                  (scenario.registry.backend == RegistryBackend::consul ? "" : "etcd/etcd.log, ") +
                  "HOST/fake-docker.log, HOST/registrator.log)");
  } else {
    std::error_code ec;
    fs::remove_all(outcome.log_dir, ec);
  }
  reporter.scenario_end(scenario.name,
                        std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started));
  return outcome;
}

}  // namespace regsim
