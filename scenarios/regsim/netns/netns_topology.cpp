#include "scenarios/regsim/netns/netns_topology.hpp"

#include "scenarios/regsim/processes/child_process.hpp"
#include "scenarios/regsim/interrupt.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace regsim {
namespace {

namespace fs = std::filesystem;

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return (fs::path(dir) / program).string();
  return {};
}

// Runs `ip [-force] [-n NETNS] -batch FILE` to completion; returns "" or what went wrong (ip's
// own error output). A batch stops at its first failing command unless `force`.
std::string run_ip_batch(const IpBatch& batch, bool force) {
  const auto ip = find_on_path("ip");
  if (ip.empty()) return "ip (iproute2) is not on PATH";
  std::string file = (fs::temp_directory_path() / "regsim-ip-batch-XXXXXX").string();
  const int fd = ::mkstemp(file.data());
  if (fd < 0) return std::string("cannot create a batch file: ") + std::strerror(errno);
  ::close(fd);
  {
    std::ofstream out(file);
    for (const auto& c : batch.commands) out << c << "\n";
  }
  std::vector<std::string> args{ip};
  if (force) args.push_back("-force");
  if (!batch.netns.empty()) args.insert(args.end(), {"-n", batch.netns});
  args.insert(args.end(), {"-batch", file});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::unlink(file.c_str());
    return std::string("cannot create a pipe: ") + std::strerror(errno);
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // a terminal's Ctrl-C is regsim's to handle; it must not cut a batch short
    ::dup2(out_pipe[1], 1);
    ::dup2(out_pipe[1], 2);
    ::execv(ip.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  std::string output;
  char buffer[4096];
  for (;;) {
    const auto n = ::read(out_pipe[0], buffer, sizeof buffer);
    if (n > 0) output.append(buffer, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  ::close(out_pipe[0]);
  int status = 0;
  if (pid > 0)
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  ::unlink(file.c_str());
  if (pid < 0) return std::string("fork failed: ") + std::strerror(errno);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return "ip" + std::string(batch.netns.empty() ? "" : " -n " + batch.netns) + " -batch failed" +
         (output.empty() ? "" : ": " + output);
}

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

std::string netns_unavailable_reason() {
  if (::geteuid() != 0)
    return "--netns needs root (it creates network namespaces with `ip netns add`); running as uid " +
           std::to_string(::geteuid());
  if (find_on_path("ip").empty()) return "--netns needs iproute2's `ip` on PATH";
  return {};
}

std::vector<std::string> remove_leftover_namespaces() {
  std::vector<std::string> stale;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/run/netns", ec)) {
    const auto name = entry.path().filename().string();
    const auto owner = netns_owner(name);
    if (owner && *owner != ::getpid() && !process_exists(*owner)) stale.push_back(name);
  }
  if (stale.empty()) return stale;
  IpBatch remove{"", {}};
  for (const auto& name : stale) remove.commands.push_back("netns del " + name);
  run_ip_batch(remove, true);
  return stale;
}

NetnsTopology::NetnsTopology(NetnsPlan plan) : plan_(std::move(plan)) {
  home_netns_fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home_netns_fd_ < 0) throw LaunchError(std::string("--netns: cannot open this thread's namespace: ") + std::strerror(errno));
  try {
    for (const auto& batch : setup_batches(plan_)) {
      throw_if_interrupted();
      if (auto problem = run_ip_batch(batch, false); !problem.empty()) throw LaunchError("--netns: " + problem);
    }
    const int hub = ::open(netns_path(plan_.hub).c_str(), O_RDONLY | O_CLOEXEC);
    if (hub < 0 || ::setns(hub, CLONE_NEWNET) != 0) {
      const int err = errno;
      if (hub >= 0) ::close(hub);
      throw LaunchError("--netns: cannot enter " + plan_.hub + ": " + std::strerror(err));
    }
    ::close(hub);
  } catch (...) {
    remove_namespaces();
    ::close(home_netns_fd_);
    throw;
  }
}

NetnsTopology::~NetnsTopology() {
  // Back home first: a namespace regsim still sits in would outlive its deletion.
  if (home_netns_fd_ >= 0) {
    ::setns(home_netns_fd_, CLONE_NEWNET);
    ::close(home_netns_fd_);
  }
  remove_namespaces();
}

void NetnsTopology::remove_namespaces() noexcept {
  try {
    IpBatch remove{"", {}};
    for (const auto& name : plan_namespaces(plan_))
      if (fs::exists(netns_path(name))) remove.commands.push_back("netns del " + name);
    if (!remove.commands.empty()) run_ip_batch(remove, true);
  } catch (...) {
    // Cleanup must not throw; a namespace left behind is removed by the next run's leftover sweep.
  }
}

}  // namespace regsim
