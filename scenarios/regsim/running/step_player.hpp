#pragma once
// Plays a scenario's timeline against a running environment, step by step: docker operations
// go to the host's fake-docker, Consul steps to the fake Consul, and each check polls its
// condition until it holds or its deadline passes. What each kind of step does is in steps/;
// while the steps run, the scenario's invariants are sampled in the background.

#include "scenarios/regsim/language/scenario.hpp"
#include "scenarios/regsim/reports/reporter.hpp"
#include "scenarios/regsim/running/scenario_environment.hpp"
#include "scenarios/regsim/running/steps/step_context.hpp"

namespace regsim {

class StepPlayer {
 public:
  StepPlayer(const Scenario& scenario, ScenarioEnvironment& environment, Reporter& reporter);

  /// Runs every step in order. After a failed docker operation or wait_for the remaining steps
  /// are skipped (and a note says so). Throws Interrupted on Ctrl-C.
  void run_all();

 private:
  /// False when the scenario cannot meaningfully continue.
  bool run_step(const Step& step);

  StepContext ctx_;
};

}  // namespace regsim
