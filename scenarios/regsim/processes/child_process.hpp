#pragma once
// One child program (a fake or registrator) started by regsim: stdout and stderr go to a log
// file, it dies with regsim (PR_SET_PDEATHSIG) even if regsim is killed, and the destructor
// stops it (SIGTERM, then SIGKILL after a grace period) and reaps it, so no run leaves
// processes behind.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace regsim {

struct LaunchSpec {
  std::string program;  // path to the executable
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to (or replacing in) regsim's environment
  std::filesystem::path log_file;
  std::string label;  // "registrator (host1)", for messages
  std::string netns;  // a network namespace file (/run/netns/NAME) to run in; empty = regsim's own
};

class LaunchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ChildProcess {
 public:
  /// Starts the program; throws LaunchError when it cannot be executed (with the reason).
  explicit ChildProcess(const LaunchSpec& spec);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& label() const { return label_; }
  const std::filesystem::path& log_file() const { return log_file_; }

  /// Non-blocking: true while the process has not exited.
  bool running();
  /// "exited with status 1" / "killed by signal 11" once it has exited; nullopt while running.
  std::optional<std::string> exit_description();
  /// SIGTERM, wait up to `grace`, then SIGKILL; always reaps. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  /// The last `lines` lines of the log, for error messages.
  std::string log_tail(std::size_t lines = 10) const;

 private:
  void record_status(int status);

  pid_t pid_ = -1;
  std::string label_;
  std::filesystem::path log_file_;
  std::optional<int> status_;  // waitpid status once reaped
};

}  // namespace regsim
