#include "scenarios/regsim/processes/child_process.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>

extern char** environ;

namespace regsim {
namespace {

// Closes a descriptor when it goes out of scope (the parent's copies of the child's fds).
struct FdGuard {
  int fd = -1;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

std::vector<std::string> build_environment(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) vars[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ChildProcess::ChildProcess(const LaunchSpec& spec) : label_(spec.label), log_file_(spec.log_file) {
  // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
  std::vector<std::string> argv_strings{spec.program};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  auto env_strings = build_environment(spec.env);
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);

  FdGuard log{::open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)};
  if (log.fd < 0)
    throw LaunchError(label_ + ": cannot open log file " + spec.log_file.string() + ": " + std::strerror(errno));
  FdGuard devnull{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
  int report_pipe[2];
  if (devnull.fd < 0 || ::pipe2(report_pipe, O_CLOEXEC) != 0)
    throw LaunchError(label_ + ": cannot set up the child: " + std::strerror(errno));
  FdGuard report_read{report_pipe[0]}, report_write{report_pipe[1]};
  FdGuard netns;
  if (!spec.netns.empty()) {
    netns.fd = ::open(spec.netns.c_str(), O_RDONLY | O_CLOEXEC);
    if (netns.fd < 0)
      throw LaunchError(label_ + ": cannot open network namespace " + spec.netns + ": " + std::strerror(errno));
  }

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw LaunchError(label_ + ": fork failed: " + std::strerror(errno));
  if (pid == 0) {
    // Own process group: a terminal Ctrl-C reaches regsim only, which then stops children in order.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // regsim died before prctl took effect
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);  // ignored dispositions survive exec; regsim ignores SIGPIPE
    // Between fork and exec: only this process changes namespace, regsim stays where it is.
    if (netns.fd >= 0 && ::setns(netns.fd, CLONE_NEWNET) != 0) {
      const int err = errno;
      [[maybe_unused]] auto n = ::write(report_pipe[1], &err, sizeof err);
      ::_exit(127);
    }
    ::dup2(devnull.fd, 0);
    ::dup2(log.fd, 1);
    ::dup2(log.fd, 2);
    ::execve(spec.program.c_str(), argv.data(), envp.data());
    const int err = errno;
    [[maybe_unused]] auto n = ::write(report_pipe[1], &err, sizeof err);
    ::_exit(127);
  }
  pid_ = pid;
  ::close(report_write.fd);
  report_write.fd = -1;
  int exec_errno = 0;
  ssize_t n;
  do n = ::read(report_read.fd, &exec_errno, sizeof exec_errno);
  while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    status_ = status;
    throw LaunchError(label_ + ": cannot execute " + spec.program +
                      (spec.netns.empty() ? "" : " in network namespace " + spec.netns) + ": " + std::strerror(exec_errno));
  }
}

ChildProcess::~ChildProcess() { stop(); }

void ChildProcess::record_status(int status) { status_ = status; }

bool ChildProcess::running() {
  if (status_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) record_status(status);
  return !status_;
}

std::optional<std::string> ChildProcess::exit_description() {
  if (running()) return std::nullopt;
  const int st = *status_;
  if (WIFEXITED(st)) return "exited with status " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) return "killed by signal " + std::to_string(WTERMSIG(st)) + " (" + strsignal(WTERMSIG(st)) + ")";
  return "ended with wait status " + std::to_string(st);
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0 || !running()) return;
  // The whole group, in case the program is a wrapper script with children of its own.
  if (::kill(-pid_, SIGTERM) != 0) ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the exit, not waiting blindly
  if (running()) {
    if (::kill(-pid_, SIGKILL) != 0) ::kill(pid_, SIGKILL);
    int status = 0;
    pid_t r;
    do r = ::waitpid(pid_, &status, 0);
    while (r < 0 && errno == EINTR);
    if (r == pid_) record_status(status);
  }
}

std::string ChildProcess::log_tail(std::size_t lines) const {
  std::ifstream in(log_file_);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "    " + all[i] + "\n";
  return out;
}

}  // namespace regsim
