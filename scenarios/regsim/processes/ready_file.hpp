#pragma once
// The fakes announce readiness by writing a small JSON file once they listen. regsim polls for
// it (never a fixed sleep) and gives up early if the process dies first.

#include "scenarios/regsim/processes/child_process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

namespace regsim {

/// Waits until `file` holds a complete JSON object; throws LaunchError (with the log tail) when
/// `process` exits first or `timeout` passes, Interrupted on Ctrl-C.
nlohmann::json wait_for_ready_file(const std::filesystem::path& file, ChildProcess& process,
                                   std::chrono::milliseconds timeout);

}  // namespace regsim
