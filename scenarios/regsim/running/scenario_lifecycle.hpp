#pragma once
// Runs one scenario from start to finish: a fresh log directory, the processes, the steps, then
// teardown. Logs are removed when every check passed (unless --keep-logs) and kept, with their
// location printed, when anything failed.

#include "scenarios/regsim/reports/reporter.hpp"
#include "scenarios/regsim/run_options.hpp"
#include "scenarios/regsim/language/scenario.hpp"

#include <filesystem>

namespace regsim {

struct ScenarioOutcome {
  bool passed = false;
  std::filesystem::path log_dir;
  bool logs_kept = false;
};

/// Results go to `reporter`. Throws Interrupted (after stopping every process) on Ctrl-C.
ScenarioOutcome run_scenario(const Scenario& scenario, const RunOptions& options, Reporter& reporter);

/// Creates $TMPDIR/regsim-NAME-XXXXXX; throws std::runtime_error when it cannot.
std::filesystem::path make_log_dir(const std::string& scenario_name);

}  // namespace regsim
