#include "fakes/consul/checks/script_check.hpp"

#include "fakes/consul/requests/go_duration.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cerrno>
#include <optional>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace fakes::consul {

namespace {

namespace net = boost::asio;

class ScriptRunImpl final : public ScriptRun, public std::enable_shared_from_this<ScriptRunImpl> {
 public:
  ScriptRunImpl(net::io_context& io, std::chrono::milliseconds timeout, Done done)
      : output_pipe_(io), exit_watch_(io), timer_(io), timeout_(timeout), done_(std::move(done)) {}

  ~ScriptRunImpl() override { kill_group(); }

  void start(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return finish(HealthStatus::critical, std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: a timeout kills the subtree
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      pid_ = -1;
      // As Go's exec: `exec: "name": executable file not found in $PATH` when it is missing.
      return finish(HealthStatus::critical, rc == ENOENT ? "exec: \"" + args[0] + "\": executable file not found in $PATH"
                                                         : "fork/exec " + args[0] + ": " + std::strerror(rc));
    }
    output_pipe_.assign(fds[0]);
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd < 0) return finish(HealthStatus::critical, std::string("pidfd_open: ") + std::strerror(errno));
    exit_watch_.assign(pidfd);
    auto self = shared_from_this();
    timer_.expires_after(timeout_);
    timer_.async_wait([self](const boost::system::error_code& ec) {
      if (ec || self->finished_) return;
      self->kill_group();
      std::string msg = "Timed out (" + format_go_duration(self->timeout_) + ") running check";
      const std::string out = script_output(self->last_, self->total_);
      if (!out.empty()) msg += "\n\n" + out;
      self->finish(HealthStatus::critical, msg);
    });
    exit_watch_.async_wait(net::posix::stream_descriptor::wait_read, [self](const boost::system::error_code& ec) {
      if (ec) return;
      int status = 0;
      if (::waitpid(self->pid_, &status, WNOHANG) == self->pid_) {
        self->pid_ = -1;
        self->exit_status_ = status;
        self->maybe_done();
      }
    });
    read_more();
  }

  void cancel() override {
    finished_ = true;
    done_ = nullptr;
    kill_group();
    close_all();
  }

 private:
  void read_more() {
    auto self = shared_from_this();
    output_pipe_.async_read_some(net::buffer(chunk_), [self](const boost::system::error_code& ec, std::size_t n) {
      if (n > 0) self->keep(std::string_view(self->chunk_.data(), n));
      if (ec) {
        self->eof_ = true;
        return self->maybe_done();
      }
      self->read_more();
    });
  }

  /// Keeps the last kScriptOutputMax bytes, as Consul's circular buffer.
  void keep(std::string_view data) {
    total_ += data.size();
    last_.append(data);
    if (last_.size() > kScriptOutputMax) last_.erase(0, last_.size() - kScriptOutputMax);
  }

  void maybe_done() {
    if (finished_ || !eof_ || !exit_status_) return;
    const int status = *exit_status_;
    const std::string out = script_output(last_, total_);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return finish(HealthStatus::passing, out);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) return finish(HealthStatus::warning, out);
    finish(HealthStatus::critical, out);
  }

  void finish(HealthStatus status, const std::string& output) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    close_all();
    if (auto done = std::move(done_)) done(status, output);
  }

  void kill_group() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);  // SIGKILL cannot be caught: this returns at once
    pid_ = -1;
  }

  void close_all() {
    boost::system::error_code ignored;
    timer_.cancel();
    output_pipe_.close(ignored);
    exit_watch_.close(ignored);
  }

  net::posix::stream_descriptor output_pipe_;
  net::posix::stream_descriptor exit_watch_;  // a pidfd: readable once the process has exited
  net::steady_timer timer_;
  std::chrono::milliseconds timeout_;
  Done done_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  bool eof_ = false;
  bool finished_ = false;
  std::array<char, 4096> chunk_{};
  std::string last_;
  std::size_t total_ = 0;
};

}  // namespace

std::string script_output(const std::string& last_bytes, std::size_t total_written) {
  if (total_written <= last_bytes.size()) return last_bytes;
  return "Captured " + std::to_string(last_bytes.size()) + " of " + std::to_string(total_written) + " bytes\n...\n" +
         last_bytes;
}

std::shared_ptr<ScriptRun> run_script_check(net::io_context& io, const std::vector<std::string>& args,
                                            std::chrono::milliseconds timeout, ScriptRun::Done done) {
  if (args.empty()) {
    done(HealthStatus::critical, "no command");
    return nullptr;
  }
  auto run = std::make_shared<ScriptRunImpl>(io, timeout, std::move(done));
  run->start(args);
  return run;
}

}  // namespace fakes::consul
