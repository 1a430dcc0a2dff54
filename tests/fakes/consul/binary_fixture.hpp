#pragma once
// The fake-consul executable as a launcher uses it: a child process (killed and reaped on
// teardown), its --ready-file, and small helpers for the e2e tests.
#include "fakes/common/http/client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace consul_binary {

namespace fs = std::filesystem;
using boost::beast::http::verb;
using nlohmann::json;
using namespace std::chrono_literals;

inline std::string bin_dir() {
  const char* dir = std::getenv("REG_BIN_DIR");
  return dir ? dir : "";
}

// A child process that is killed (and reaped) when the handle goes away.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv, const std::string& stderr_path = "/dev/null") {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  /// Exit code, or -1 when it did not exit (by itself) within the deadline.
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(5ms);  // polling a child's state; there is no fd to wait on
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
};

inline std::string run_capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  ::pclose(pipe);
  return out;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline fakes::http::Endpoint endpoint_of(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  return fakes::http::Endpoint::tcp(host_port.substr(0, colon),
                                    static_cast<std::uint16_t>(std::stoi(host_port.substr(colon + 1))));
}

class ConsulBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fake-consul-e2e-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    binary_ = bin_dir() + "/fake-consul";
    ASSERT_TRUE(fs::exists(binary_)) << binary_ << " (is REG_BIN_DIR set?)";
  }
  void TearDown() override {
    child_.reset();
    peer_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  /// Starts the binary and waits for its ready file; returns the file's JSON.
  json launch(std::vector<std::string> extra = {}) { return launch_into(child_, "main", std::move(extra)); }
  /// Starts another instance into `child`; `name` keeps its ready file and stderr apart.
  json launch_into(std::unique_ptr<Child>& child, const std::string& name, std::vector<std::string> extra) {
    const fs::path ready = dir_ / (name + "-ready.json");
    const fs::path log = dir_ / (name + "-stderr.log");
    std::vector<std::string> argv = {binary_, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0", "--ready-file", ready.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    child = std::make_unique<Child>(argv, log.string());
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!fs::exists(ready) && std::chrono::steady_clock::now() < deadline) {
      if (child->wait_exit(0ms) >= 0) break;  // died instead of getting ready
      std::this_thread::sleep_for(5ms);  // polling for a file another process writes
    }
    if (!fs::exists(ready)) {
      ADD_FAILURE() << "fake-consul never became ready; stderr: " << read_file(log);
      return {};
    }
    return json::parse(read_file(ready));
  }

  fs::path dir_;
  std::string binary_;
  std::unique_ptr<Child> child_;
  std::unique_ptr<Child> peer_;  // a second instance, for tests with two processes
};

}  // namespace consul_binary
