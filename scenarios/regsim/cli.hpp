#pragma once
// regsim's command line:
//   regsim run FILE... [--bin-dir DIR] [--registrator PATH] [--keep-logs] [-v]
//              [--junit FILE] [--json FILE] [--html FILE]
//   regsim validate FILE...
//   regsim simulate [--hosts N] [--containers N] [--churn R/s] [--duration D] [--settle D]
//                   [--seed N] [--bin-dir DIR] [--registrator PATH] [--keep-logs] [-v] [--json FILE]
// Exit status: 0 every check held; 1 some check failed; 2 bad usage, invalid scenario or
// missing programs (nothing was started); 130 interrupted.

#include "scenarios/regsim/reports/report_files.hpp"
#include "scenarios/regsim/run_options.hpp"
#include "scenarios/regsim/simulate/simulation.hpp"

#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace regsim {

struct CliCommand {
  enum class Kind { run, validate, simulate, help };
  Kind kind = Kind::help;
  SimulationSpec simulation;  // simulate only
  std::vector<std::string> files;
  RunOptions options;
  ReportPaths reports;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

extern const char* const usage_text;

/// `args` excludes the program name. Throws UsageError with a one-line reason.
CliCommand parse_command_line(const std::vector<std::string>& args);

/// Everything main() does; returns the exit status. `live`: out is a terminal, so a status
/// line may be redrawn in place.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool live = false);

}  // namespace regsim
