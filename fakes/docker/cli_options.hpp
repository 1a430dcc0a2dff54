#pragma once
// Command line of the fake-docker executable.

#include "fakes/docker/fake_docker.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace fakes::docker {

struct CliOptions {
  FakeDockerOptions fake;
  /// --host NAME=SOCKET: more simulated hosts served by this process, each an engine of its own
  /// (same images and API versions, seed + its position) on its own unix socket.
  std::vector<std::pair<std::string, std::string>> hosts;
  std::string ready_file;
  bool help = false;
};

/// A bad flag or value; the message names it. (An --images problem names the file.)
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

CliOptions parse_cli(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace fakes::docker
