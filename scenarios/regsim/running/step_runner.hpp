#pragma once
// Replays a scenario's steps against a running environment: docker operations go to the host's
// fake-docker, and each check polls its condition until it holds or its deadline passes.

#include "scenarios/regsim/checks/check_result.hpp"
#include "scenarios/regsim/reports/reporter.hpp"
#include "scenarios/regsim/running/runtime_facts.hpp"
#include "scenarios/regsim/language/scenario.hpp"
#include "scenarios/regsim/running/scenario_environment.hpp"

namespace regsim {

/// "catalog valami", "dns A valami.service.dc1.consul", "container host1/web5 exited": how
/// output lines name a check (templates in names are shown as written).
std::string check_label(const CheckAction& check);

class StepRunner {
 public:
  StepRunner(const Scenario& scenario, ScenarioEnvironment& environment, Reporter& reporter);

  /// Runs every step in order. After a failed docker operation or wait_for the remaining steps
  /// are skipped (and a note says so). Throws Interrupted on Ctrl-C.
  void run_all();

 private:
  /// False when the scenario cannot meaningfully continue.
  bool run_step(const Step& step);
  void run_action(const RunAction& run);
  void churn_action(const ChurnAction& churn);
  void network_action(const NetworkAction& action);
  void container_action(const ContainerAction& action);
  void daemon_action(const DaemonAction& action);
  void docker_fault_action(const DockerFaultAction& action);
  void consul_action(const ConsulAction& action);
  bool check(const CheckAction& check);
  /// A check with holds_for: evaluated at every poll for the whole duration.
  bool check_holds(const CheckAction& check);
  CheckResult evaluate(const Condition& condition);
  CheckResult evaluate_catalog(const CatalogCondition& c);
  CheckResult evaluate_dns(const DnsCondition& c);
  CheckResult evaluate_container(const ContainerCondition& c);
  CheckResult evaluate_running_group(const RunningGroupCondition& c);

  const Scenario& scenario_;
  ScenarioEnvironment& env_;
  Reporter& reporter_;
  RuntimeFacts facts_;
  std::string step_position_;  // "step 3/12", for the live status line
};

}  // namespace regsim
