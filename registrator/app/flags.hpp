#pragma once
// Command line parsing with the semantics of Go's `flag` package as used by upstream registrator.go.
#include <string>
#include <string_view>
#include <vector>

#include "registrator/app/config.hpp"

namespace registrator {

struct FlagsOutcome {
  enum class Kind { Run, Exit };
  Kind kind = Kind::Run;
  int exit_code = 0;   ///< meaningful when kind == Exit
  std::string out;     ///< text for stdout (e.g. --version)
  std::string err;     ///< raw text for stderr (flag errors, usage)
  std::string fatal;   ///< message to log with a timestamp (upstream log.Fatal; exit code 1)
  Config config;       ///< valid when kind == Run
};

/// Parses `args` (argv without argv[0]). Pure: no I/O, no environment.
/// Exit codes: 0 for --version and -h/-help; 2 for flag syntax errors, missing or extra
/// arguments; 1 for validation errors (upstream uses log.Fatal for those).
FlagsOutcome parse_flags(const std::vector<std::string>& args, std::string_view program = "registrator");

/// "Usage of <program>:\n  <program> [options] <registry URI>\n\n" followed by Go-style flag defaults.
std::string usage_text(std::string_view program);

}  // namespace registrator
