#include "tests/support/process/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace test_support {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

[[noreturn]] void fail_to_start(const Command& command, const std::string& why) {
  throw std::runtime_error("cannot start `" + command.text() + "`: " + why);
}

std::string errno_text(int err) { return std::strerror(err); }

std::vector<std::string> environment_of(const Command& command) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& name : command.unset_vars) vars.erase(name);
  for (const auto& [name, value] : command.set_vars) vars[name] = value;
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

// argv[0] as execve needs it: a path as given, a bare name looked up in the child's PATH.
std::string program_path(const Command& command, const std::vector<std::string>& env) {
  const std::string& name = command.argv.front();
  if (name.find('/') != std::string::npos) return name;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& entry : env)
    if (entry.starts_with("PATH=")) path = entry.substr(5);
  for (std::size_t begin = 0; begin <= path.size();) {
    const auto end = std::min(path.find(':', begin), path.size());
    const std::string dir = end == begin ? "." : path.substr(begin, end - begin);
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    begin = end + 1;
  }
  fail_to_start(command, name + " not found in PATH (" + path + ")");
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int open_memory_file() { return ::memfd_create("test-child-output", MFD_CLOEXEC); }

std::string read_all(int fd) {
  std::string out;
  char buffer[8192];
  for (off_t offset = 0;;) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
    offset += n;
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// What the child reports through the exec pipe when it cannot run the program.
struct StartFailure {
  int stage;  // 1: chdir, 2: execve
  int err;
};

bool needs_quotes(const std::string& arg) {
  return arg.empty() || arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                              "-_./:=,@%+") != std::string::npos;
}

}  // namespace

// ---- Command ----

Command::Command(std::vector<std::string> args) : argv(std::move(args)) {}

Command& Command::env(std::string name, std::string value) {
  set_vars.emplace_back(std::move(name), std::move(value));
  return *this;
}

Command& Command::unset_env(std::string name) {
  unset_vars.push_back(std::move(name));
  return *this;
}

Command& Command::in_directory(std::filesystem::path dir) {
  cwd = std::move(dir);
  return *this;
}

std::string Command::text() const {
  std::string out;
  for (const auto& [name, value] : set_vars) out += name + "=" + value + " ";
  for (const auto& arg : argv) {
    if (&arg != &argv.front()) out += ' ';
    if (!needs_quotes(arg)) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

// ---- Output ----

Output Output::log_file(std::filesystem::path path) { return {Kind::append_to_file, std::move(path)}; }
Output Output::fresh_log_file(std::filesystem::path path) { return {Kind::truncate_file, std::move(path)}; }
Output Output::captured() { return {Kind::captured, {}}; }
Output Output::captured_apart() { return {Kind::captured_apart, {}}; }

// ---- ChildProcess ----

ChildProcess::ChildProcess(Command command, Output output)
    : command_(std::move(command)), output_kind_(output.kind_), log_path_(std::move(output.path_)) {
  if (command_.argv.empty()) throw std::invalid_argument("test_support::ChildProcess: empty command");
  // Everything the child needs is made before fork: after it only async-signal-safe calls.
  auto env_strings = environment_of(command_);
  const std::string program = program_path(command_, env_strings);
  auto argv_strings = command_.argv;
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);
  const std::string cwd = command_.cwd.string();

  Fd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (devnull.get() < 0) fail_to_start(command_, "/dev/null: " + errno_text(errno));
  Fd out, err;
  switch (output_kind_) {
    case Output::Kind::append_to_file:
    case Output::Kind::truncate_file: {
      const int mode = output_kind_ == Output::Kind::append_to_file ? O_APPEND : O_TRUNC;
      out.reset(::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | mode, 0644));
      if (out.get() < 0) fail_to_start(command_, "log file " + log_path_.string() + ": " + errno_text(errno));
      break;
    }
    case Output::Kind::captured_apart:
      err.reset(open_memory_file());
      if (err.get() < 0) fail_to_start(command_, "memfd_create: " + errno_text(errno));
      [[fallthrough]];
    case Output::Kind::captured:
      out.reset(open_memory_file());
      if (out.get() < 0) fail_to_start(command_, "memfd_create: " + errno_text(errno));
      break;
  }
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) fail_to_start(command_, "pipe2: " + errno_text(errno));
  Fd report_read(report[0]), report_write(report[1]);
  // The fallback when close_range() is missing (kernels before 5.11): close every possible fd.
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  const int max_fd = files.rlim_cur == RLIM_INFINITY ? 1 << 20 : static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20));

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) fail_to_start(command_, "fork: " + errno_text(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the test died before prctl took effect
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &default_action, nullptr);  // ignored ones survive exec
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(devnull.get(), 0);
    ::dup2(out.get(), 1);
    ::dup2(err.get() >= 0 ? err.get() : out.get(), 2);
    for (int fd = 0; fd < 3; ++fd) ::fcntl(fd, F_SETFD, 0);  // dup2 onto itself keeps FD_CLOEXEC
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      for (int fd = 3; fd < max_fd; ++fd)
        if (fd != report[1]) ::close(fd);
    }
    StartFailure failure{0, 0};
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      failure = {1, errno};
    } else {
      ::execve(program.c_str(), argv.data(), envp.data());
      failure = {2, errno};
    }
    [[maybe_unused]] auto n = ::write(report[1], &failure, sizeof failure);
    ::_exit(127);
  }
  pid_ = pid;
  ::setpgid(pid, pid);  // also here, so the group exists before the constructor returns (EACCES after exec: fine)
  report_write.reset();
  StartFailure failure{};
  ssize_t n;
  do n = ::read(report_read.get(), &failure, sizeof failure);
  while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    status_ = status;
    fail_to_start(command_, failure.stage == 1 ? "cannot change to directory " + cwd + ": " + errno_text(failure.err)
                                               : "cannot execute " + program + ": " + errno_text(failure.err));
  }
  // A descriptor that becomes readable when the child exits (glibc 2.36's <sys/pidfd.h> lacks
  // extern "C"); -1 before Linux 5.3, and waits then poll the exit every 5 ms.
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (output_kind_ == Output::Kind::captured || output_kind_ == Output::Kind::captured_apart) output_fd_ = out.release();
  error_fd_ = err.release();
}

ChildProcess::~ChildProcess() {
  stop();
  for (int fd : {pidfd_, output_fd_, error_fd_})
    if (fd >= 0) ::close(fd);
}

// Records the exit without reaping (WNOWAIT): the zombie keeps the pid and the group id ours
// until reap_group().
bool ChildProcess::exited_without_reaping(int options) {
  if (status_) return true;
  siginfo_t info{};
  int r;
  do r = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT | options);
  while (r < 0 && errno == EINTR);
  if (r != 0 || info.si_pid != pid_) return false;
  status_ = info.si_code == CLD_EXITED ? W_EXITCODE(info.si_status, 0) : info.si_status;  // a signal: its number
  return true;
}

void ChildProcess::wait_for_exit_event(milliseconds timeout) const {
  if (timeout <= milliseconds::zero()) return;
  if (pidfd_ >= 0) {
    pollfd p{pidfd_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(timeout.count()));
  } else {
    std::this_thread::sleep_for(std::min(timeout, milliseconds(5)));  // no pidfd: poll the exit
  }
}

int ChildProcess::exit_code() const {
  if (!status_) return kStillRunning;
  return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : 128 + WTERMSIG(*status_);
}

bool ChildProcess::running() { return !exited_without_reaping(WNOHANG); }

int ChildProcess::wait_exit(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!exited_without_reaping(WNOHANG)) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left <= milliseconds::zero()) return kStillRunning;
    wait_for_exit_event(left + milliseconds(1));
  }
  return exit_code();
}

std::optional<std::string> ChildProcess::exit_description() {
  if (running()) return std::nullopt;
  const int st = *status_;
  if (WIFEXITED(st)) return "exited with status " + std::to_string(WEXITSTATUS(st));
  return "killed by signal " + std::to_string(WTERMSIG(st)) + " (" + strsignal(WTERMSIG(st)) + ")";
}

std::string ChildProcess::describe_for_failure() {
  const auto ended = exit_description();
  return "`" + command_.text() + "` (pid " + std::to_string(pid_) + ") " + (ended ? *ended : "is still running") +
         "; the end of its output:\n" + output_tail();
}

::testing::AssertionResult ChildProcess::wait_until(const std::function<bool()>& condition, milliseconds timeout,
                                                    std::string_view what) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (condition()) return ::testing::AssertionSuccess();
    if (!running()) {
      if (condition()) return ::testing::AssertionSuccess();  // it got there, then exited
      return ::testing::AssertionFailure() << "waiting for " << what << ": " << describe_for_failure();
    }
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left <= milliseconds::zero())
      return ::testing::AssertionFailure() << what << " did not happen within " << timeout.count()
                                           << " ms: " << describe_for_failure();
    wait_for_exit_event(std::min(left, milliseconds(10)));  // the polling interval, cut short by an exit
  }
}

::testing::AssertionResult ChildProcess::wait_for_file(const std::filesystem::path& file, milliseconds timeout) {
  return wait_until([&] { return std::filesystem::exists(file); }, timeout, "the file " + file.string());
}

bool ChildProcess::signal(int signal) {
  if (reaped_) return false;
  return ::kill(pid_, signal) == 0;
}

int ChildProcess::reap_group(int first_signal, milliseconds grace) {
  if (reaped_) return exit_code();
  if (!exited_without_reaping(WNOHANG)) {
    if (::kill(-pid_, first_signal) != 0) ::kill(pid_, first_signal);
    if (first_signal != SIGKILL && wait_exit(grace) == kStillRunning) {
      if (::kill(-pid_, SIGKILL) != 0) ::kill(pid_, SIGKILL);
    }
    exited_without_reaping(0);
  }
  // The leader has exited and is not reaped yet, so the group id is still this group's: what
  // is left of it (a shell's background jobs, a daemon's helpers) goes too.
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return exit_code();
}

int ChildProcess::stop(milliseconds grace) { return reap_group(SIGTERM, grace); }

int ChildProcess::kill() { return reap_group(SIGKILL, milliseconds::zero()); }

std::string ChildProcess::output() const {
  if (output_fd_ >= 0) return read_all(output_fd_);
  return read_file(log_path_);
}

std::string ChildProcess::error_output() const { return error_fd_ >= 0 ? read_all(error_fd_) : std::string(); }

std::string ChildProcess::output_tail(std::size_t max_chars) const {
  std::string text = output() + error_output();
  if (text.size() > max_chars) text = "..." + text.substr(text.size() - max_chars);
  return text;
}

// ---- run ----

RunResult run(const Command& command, const RunOptions& options) {
  ChildProcess child(command, options.separate_stderr ? Output::captured_apart() : Output::captured());
  RunResult result;
  result.exit_code = child.wait_exit(options.timeout);
  if (result.exit_code == ChildProcess::kStillRunning) {
    result.timed_out = true;
    result.exit_code = child.kill();
    ADD_FAILURE() << "`" << command.text() << "` did not finish within " << options.timeout.count()
                  << " ms and was killed; the end of its output:\n" << child.output_tail();
  }
  result.output = child.output();
  result.error_output = child.error_output();
  return result;
}

RunResult run_shell(const std::string& script, const RunOptions& options) {
  return run(Command{"/bin/sh", "-c", script}, options);
}

}  // namespace test_support
