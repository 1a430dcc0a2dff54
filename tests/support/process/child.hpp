#pragma once
// The one way tests start programs: a long-running child (fake-consul, fake-docker, registrator,
// etcd, dockerd...) held by a ChildProcess, or a command run to its end with run() / run_shell().
//
// Rules:
//  * Who reaps: the ChildProcess that started a child, and nobody else (it waits for its own pid
//    only, never for "any child"). running() and wait_exit() see the exit without reaping, so the
//    pid and its process group stay reserved until stop(), kill() or the destructor reaps.
//  * Process group: every child leads a process group of its own. signal() reaches the child
//    alone; stop(), kill() and the destructor reach the whole group (a shell's or a daemon's
//    children too), also when the leader has already exited.
//  * Cleanup: the destructor calls stop(): SIGTERM to the group, up to kStopGrace for the child
//    to exit, then SIGKILL to the group, then reap. A child also gets SIGKILL when the thread that
//    started it ends (PR_SET_PDEATHSIG), so a crashed or timed-out test leaves nothing running.
//  * What a child inherits: the test's environment with Command's changes, stdin from
//    /dev/null, stdout and stderr to the Output, default signal dispositions and an empty signal
//    mask, and no other file descriptor (everything from fd 3 up is closed on exec).
//  * Timeouts: wait_exit() and wait_until() return at their deadline and leave the child
//    running; run() kills the command's process group at its deadline, records a test failure
//    naming the command and the deadline, and returns what it wrote so far with timed_out set.
//  * A program that cannot be started (not found, not executable, bad working directory) throws
//    std::runtime_error naming the command and the reason.
//  * Threads: a ChildProcess is used from one thread at a time; separate ChildProcesses and
//    run() calls may be used from several threads at once. Starting a child is safe while other
//    threads run (the child only makes async-signal-safe calls before exec).
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test_support {

/// What to start: the program (a path, or a name looked up in PATH) and its arguments, plus
/// the environment changes and working directory it gets.
struct Command {
  Command(std::vector<std::string> argv);  // NOLINT(google-explicit-constructor): a bare argv is a command
  Command(std::initializer_list<std::string> argv) : Command(std::vector<std::string>(argv)) {}

  /// Sets NAME=VALUE in the child's environment (the rest is the test's).
  Command& env(std::string name, std::string value);
  /// Removes NAME from the child's environment.
  Command& unset_env(std::string name);
  /// Runs the child in `dir` instead of the test's working directory.
  Command& in_directory(std::filesystem::path dir);

  /// The command line, shell-quoted where needed, for messages.
  std::string text() const;

  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> set_vars;
  std::vector<std::string> unset_vars;
  std::filesystem::path cwd;  // empty: the test's
};

/// Where a child's stdout and stderr go.
class Output {
 public:
  /// Both into one file, appended to (created if missing): a log to read while it runs.
  static Output log_file(std::filesystem::path path);
  /// Both into one file that is emptied first (the same path used again for the next child).
  static Output fresh_log_file(std::filesystem::path path);
  /// Both kept by the helper in the order written (like 2>&1): read with output().
  static Output captured();
  /// Kept by the helper apart: stdout with output(), stderr with error_output().
  static Output captured_apart();

 private:
  friend class ChildProcess;
  enum class Kind { append_to_file, truncate_file, captured, captured_apart };
  Output(Kind kind, std::filesystem::path path) : kind_(kind), path_(std::move(path)) {}
  Kind kind_;
  std::filesystem::path path_;
};

class ChildProcess {
 public:
  /// The return of wait_exit() while the child still runs.
  static constexpr int kStillRunning = -1;
  /// How long stop() (and so the destructor) lets the child end on SIGTERM before SIGKILL.
  static constexpr std::chrono::milliseconds kStopGrace{3000};

  /// Starts the command; throws std::runtime_error when it cannot be started.
  ChildProcess(Command command, Output output = Output::captured());
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const Command& command() const { return command_; }

  /// True while the child has not exited (does not block).
  bool running();
  /// Its exit code once it exits within `timeout`: the status it exited with, 128+N when
  /// signal N ended it (as a shell's $?), or kStillRunning at the deadline.
  int wait_exit(std::chrono::milliseconds timeout);
  /// "exited with status 1" / "killed by signal 9 (Killed)" once it has exited, else nullopt.
  std::optional<std::string> exit_description();

  /// Polls `condition` (every 10 ms) until it holds. Fails at once, with the command, how it
  /// ended and the end of its output, when the child exits first; at the deadline with the same
  /// details. `what` names the condition in the message ("its ready file").
  [[nodiscard]] ::testing::AssertionResult wait_until(const std::function<bool()>& condition,
                                                      std::chrono::milliseconds timeout, std::string_view what);
  /// wait_until() for a file the child writes (a --ready-file) to exist.
  [[nodiscard]] ::testing::AssertionResult wait_for_file(const std::filesystem::path& file,
                                                         std::chrono::milliseconds timeout);

  /// Sends `signal` to the child alone (not its group). False once it has been reaped.
  bool signal(int signal);
  /// SIGTERM to the group, up to `grace` for the child to exit, then SIGKILL; reaps. Returns
  /// the exit code as wait_exit() does. Idempotent.
  int stop(std::chrono::milliseconds grace = kStopGrace);
  /// SIGKILL to the group at once (no chance to clean up, as after a crash); reaps.
  int kill();

  /// What it wrote: stdout and stderr (only stdout with Output::captured_apart()), or the log
  /// file's content.
  std::string output() const;
  /// What it wrote to stderr with Output::captured_apart(); empty otherwise.
  std::string error_output() const;
  /// The last `max_chars` characters of output(), for failure messages.
  std::string output_tail(std::size_t max_chars = 2000) const;

 private:
  bool exited_without_reaping(int options);
  void wait_for_exit_event(std::chrono::milliseconds timeout) const;
  int exit_code() const;
  int reap_group(int first_signal, std::chrono::milliseconds grace);
  std::string describe_for_failure();

  Command command_;
  Output::Kind output_kind_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  int pidfd_ = -1;              // readable once the child has exited; -1 on kernels without pidfd
  int output_fd_ = -1;          // memfd holding stdout (and stderr) when captured
  int error_fd_ = -1;           // memfd holding stderr with captured_apart
  std::optional<int> status_;   // waitpid status once it has exited
  bool reaped_ = false;
};

/// How run() and run_shell() run a command.
struct RunOptions {
  /// After this the command's process group is killed and the test fails naming the command.
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
  /// Keep stderr apart (RunResult::error_output) instead of mixed into output as 2>&1 does.
  bool separate_stderr = false;
};

/// How a command ended and what it wrote.
struct RunResult {
  int exit_code = -1;      ///< its exit status, or 128+N when signal N ended it (also after a timeout)
  bool timed_out = false;  ///< the deadline passed and it was killed
  std::string output;      ///< stdout, with stderr mixed in unless RunOptions::separate_stderr
  std::string error_output;  ///< stderr with RunOptions::separate_stderr
};

/// Runs `command` to its end (stdin from /dev/null) and returns its exit code and output.
RunResult run(const Command& command, const RunOptions& options = {});
/// run() of `/bin/sh -c script`: for pipelines, redirections and `$(...)`.
RunResult run_shell(const std::string& script, const RunOptions& options = {});

}  // namespace test_support
