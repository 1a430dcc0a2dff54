#pragma once
// How `regsim run` was asked to run: where the programs are, and what to keep.

#include <chrono>
#include <filesystem>
#include <string>

namespace regsim {

struct RunOptions {
  std::filesystem::path bin_dir;          // fake-docker, fake-consul and registrator live here
  std::string registrator_override;       // --registrator: replaces every host's binary
  bool keep_logs = false;                 // keep the temp dir even when everything passed
  bool verbose = false;
  bool one_docker_process = false;        // every host's Docker in one fake-docker (--host per host)
  bool netns = false;                     // every host in a network namespace of its own (netns_plan.hpp)
  std::string external_consul;            // --consul HOST:PORT: an agent regsim did not start (external_consul.hpp)
  std::string external_consul_dns;        // --consul-dns HOST:PORT (default: --consul's host, port 8600)
  std::chrono::milliseconds startup_timeout{15000};  // per fake, until its ready file appears
};

/// The directory of the running executable (/proc/self/exe), where the build puts every binary.
std::filesystem::path own_bin_dir();

}  // namespace regsim
