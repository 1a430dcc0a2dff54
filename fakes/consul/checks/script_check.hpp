#pragma once
// One run of a script check, as Consul's CheckMonitor does it: the command (Args, no shell)
// with stdout and stderr into one buffer that keeps the last 4 KiB, exit 0 passing, 1 warning,
// anything else critical; after Timeout (default 30 s) its process group is killed and the
// check is critical with "Timed out (<timeout>) running check". Asynchronous on the io thread.

#include "fakes/consul/state/health_status.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fakes::consul {

class ScriptRun {
 public:
  using Done = std::function<void(HealthStatus, std::string output)>;
  virtual ~ScriptRun() = default;
  /// Kills the process (if still running) and drops the callback.
  virtual void cancel() = 0;
};

/// Starts `args` now; `done` is called once on the io thread (never after cancel()).
std::shared_ptr<ScriptRun> run_script_check(boost::asio::io_context& io, const std::vector<std::string>& args,
                                            std::chrono::milliseconds timeout, ScriptRun::Done done);

/// Consul's circbuf output: the text, prefixed "Captured N of M bytes\n...\n" when cut.
std::string script_output(const std::string& last_bytes, std::size_t total_written);

constexpr std::size_t kScriptOutputMax = 4096;  // Consul's checks.DefaultBufSize

}  // namespace fakes::consul
