#pragma once
// Runs a shell command the way a user would type it, capturing stdout and stderr together, for
// tests of the regsim binary (through the tests' process helper).

#include "tests/support/process/child.hpp"

#include <chrono>
#include <string>

namespace regsim::test {

struct CommandResult {
  int status = -1;  // the exit status, or 128 + the signal that ended it
  std::string output;
};

/// A regsim run may take minutes (scenarios with waits, simulations): killed after 400 s.
inline CommandResult run_command(const std::string& command) {
  auto r = test_support::run_shell(command, {.timeout = std::chrono::seconds(400)});
  return {r.exit_code, std::move(r.output)};
}

}  // namespace regsim::test
