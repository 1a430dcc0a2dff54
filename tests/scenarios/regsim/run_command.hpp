#pragma once
// Runs a shell command the way a user would type it, capturing stdout and stderr together, for
// tests of the regsim binary.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace regsim::test {

struct CommandResult {
  int status = -1;  // the exit status, or 128 + the signal that ended it
  std::string output;
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer{};
  while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) r.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace regsim::test
