#pragma once
// A real Docker engine (Debian's dockerd) in a network namespace the test creates, with its
// socket, data and exec roots in a temp dir; everything it does to the network stays in that
// namespace. Other programs join the namespace with in_netns() (nsenter), so a container run
// with --net=host and a fake-consul on the namespace's 127.0.0.1 see each other. The destructor
// removes the containers, stops the daemon by its pidfile's process, unmounts what it left and
// deletes the namespace. Needs root and iproute2.
#include <signal.h>
#include <unistd.h>

#include <string>

#include "tests/support/process/child.hpp"
#include "tests/support/test_helpers.hpp"

namespace regtest {

class EngineInNetns {
 public:
  explicit EngineInNetns(const std::string& tag) : dir_(tag) {
    netns_ = tag + "-" + std::to_string(::getpid());
    socket_ = (dir_.path() / "docker.sock").string();
    if (::geteuid() != 0) {
      error_ = "needs root (ip netns, dockerd)";
      return;
    }
    if (auto r = test_support::run_shell("ip netns add " + netns_ + " 2>&1"); r.exit_code != 0) {
      error_ = "cannot create network namespace " + netns_ + ": " + r.output;
      return;
    }
    netns_made_ = true;
    // A new namespace's loopback is down; the fake-consul and --net=host containers use it.
    if (auto r = test_support::run_shell("ip -n " + netns_ + " link set lo up 2>&1"); r.exit_code != 0) {
      error_ = "cannot bring up lo in " + netns_ + ": " + r.output;
      return;
    }
    const std::string d = dir_.path().string();
    dockerd_ = std::make_unique<test_support::ChildProcess>(
        in_netns({"/usr/sbin/dockerd", "-H", "unix://" + socket_, "--data-root", d + "/data", "--exec-root",
                  d + "/exec", "--pidfile", d + "/dockerd.pid", "--storage-driver=overlay2", "--ip6tables=false"}),
        test_support::Output::log_file(d + "/dockerd.log"));
    if (auto up = dockerd_->wait_until([&] { return cli("version --format '{{.Server.APIVersion}}'").exit_code == 0; },
                                       std::chrono::seconds(60), "dockerd answering `docker version`");
        !up) {
      error_ = "dockerd did not start:\n" + std::string(up.message());
    }
  }

  ~EngineInNetns() {
    if (dockerd_ && dockerd_->running()) {
      cli("rm -f $(" + docker_env() + " ps -aq) >/dev/null 2>&1");
      dockerd_->signal(SIGTERM);
      if (dockerd_->wait_exit(std::chrono::seconds(30)) == test_support::ChildProcess::kStillRunning) dockerd_->kill();
    }
    dockerd_.reset();
    // Whatever the daemon left mounted under its directories (overlay, netns files), deepest first.
    test_support::run_shell("grep -o ' " + dir_.path().string() + "[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l");
    if (netns_made_) test_support::run_shell("ip netns del " + netns_);
  }
  EngineInNetns(const EngineInNetns&) = delete;
  EngineInNetns& operator=(const EngineInNetns&) = delete;

  /// Empty when the engine is up; else what went wrong.
  const std::string& error() const { return error_; }
  const std::string& socket() const { return socket_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

  /// `argv` run inside the namespace.
  test_support::Command in_netns(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"/usr/bin/nsenter", "--net=/var/run/netns/" + netns_});
    return test_support::Command(argv);
  }

  /// The docker CLI against this engine: "docker <args>", stdout and stderr together.
  test_support::RunResult cli(const std::string& args,
                              std::chrono::milliseconds timeout = std::chrono::seconds(60)) const {
    return test_support::run_shell(docker_env() + " " + args, {.timeout = timeout});
  }
  /// "DOCKER_HOST=unix://… <docker CLI>", to start shell commands with.
  std::string docker_env() const { return "DOCKER_HOST=unix://" + socket_ + " " + cli_path(); }
  /// The docker CLI (ci/bootstrap installs 28 in /usr/local/bin; else PATH's).
  static std::string cli_path() {
    return std::filesystem::exists("/usr/local/bin/docker") ? "/usr/local/bin/docker" : "docker";
  }

 private:
  TempDir dir_;
  std::string netns_, socket_, error_;
  bool netns_made_ = false;
  std::unique_ptr<test_support::ChildProcess> dockerd_;
};

}  // namespace regtest
