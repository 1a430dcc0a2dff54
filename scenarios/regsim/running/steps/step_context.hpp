#pragma once
// What every step of a scenario's timeline acts on: the scenario, its running processes, where
// results go, the facts learnt so far (container IPs, IDs) and where the timeline is, for the
// live status line. StepPlayer owns one; each kind of step gets it by reference.

#include "scenarios/regsim/language/scenario.hpp"
#include "scenarios/regsim/reports/reporter.hpp"
#include "scenarios/regsim/running/runtime_facts.hpp"
#include "scenarios/regsim/running/scenario_environment.hpp"

#include <chrono>
#include <string>

namespace regsim {

struct StepContext {
  StepContext(const Scenario& scenario, ScenarioEnvironment& environment, Reporter& reporter)
      : scenario(scenario),
        env(environment),
        reporter(reporter),
        facts(scenario, [this](const std::string& host) -> DockerControl& { return env.docker(host); }) {}
  StepContext(const StepContext&) = delete;
  StepContext& operator=(const StepContext&) = delete;

  const Scenario& scenario;
  ScenarioEnvironment& env;
  Reporter& reporter;
  RuntimeFacts facts;
  std::string position;  // "step 3/12", for the live status line
};

/// How long since `start`, in the scenario's unit.
inline Duration since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start);
}

}  // namespace regsim
