#pragma once
// The fixture of the tests that drive the fake-docker executable with the real docker CLI
// (28.x): one fake-docker process per test on a socket in a temporary directory, and the CLI
// run against it with a HOME of its own. Not in an anonymous namespace: the suite's tests live
// in several files (cli_test.cpp, cli_networks_test.cpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/test_helpers.hpp"
#include "tests/support/process/child.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fake_docker_cli_test {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

inline const char* kDockerCli = "/usr/local/bin/docker";

using CommandResult = test_support::RunResult;
using test_support::run_shell;

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string bin_dir() {
  const char* dir = std::getenv("REG_BIN_DIR");
  return dir ? dir : "";
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

class FakeDockerCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kDockerCli)) << "docker CLI not installed at " << kDockerCli << " (ci/bootstrap)";
    binary_ = fs::path(bin_dir()) / "fake-docker";
    ASSERT_TRUE(fs::exists(binary_)) << "REG_BIN_DIR must point at the build's bin directory: " << binary_;
    dir_ = fs::temp_directory_path() /
           ("fake-docker-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "home" / ".docker");
    socket_ = (dir_ / "docker.sock").string();
    std::ofstream(dir_ / "images.json") << R"({"test": {"ExposedPorts": {"80/tcp": {}, "443/tcp": {}}}})";
  }

  void TearDown() override {
    if (fake_) {
      fake_->signal(SIGTERM);
      EXPECT_EQ(fake_->wait_exit(20s), 0) << "fake-docker did not exit cleanly on SIGTERM";
      EXPECT_FALSE(fs::exists(socket_)) << "socket file left behind";
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void start_fake(std::vector<std::string> extra = {}) {
    const std::string ready = (dir_ / "ready.json").string();
    std::vector<std::string> args = {binary_.string(), "--socket", socket_, "--tcp", "127.0.0.1:0",
                                     "--images", (dir_ / "images.json").string(), "--seed", "5",
                                     "--ready-file", ready};
    args.insert(args.end(), extra.begin(), extra.end());
    fake_ = std::make_unique<test_support::ChildProcess>(args, test_support::Output::log_file(dir_ / "fake-docker.log"));
    // Wait for the ready file the launcher protocol promises.
    ASSERT_TRUE(fake_->wait_for_file(ready, 20s));
    std::ifstream in(ready);
    auto j = json::parse(in);
    EXPECT_EQ(j.at("socket"), socket_);
    EXPECT_EQ(j.at("tcp").get<std::string>().rfind("127.0.0.1:", 0), 0u);
    tcp_ = j.at("tcp");
  }

  CommandResult docker(const std::string& args) {
    const std::string home = (dir_ / "home").string();
    return run_shell("env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_API_VERSION HOME=" + shell_quote(home) +
                     " DOCKER_CONFIG=" + shell_quote(home + "/.docker") + " " + kDockerCli + " -H unix://" +
                     shell_quote(socket_) + " " + args);
  }

  fs::path binary_, dir_;
  std::string socket_, tcp_;
  std::unique_ptr<test_support::ChildProcess> fake_;
};

}  // namespace fake_docker_cli_test
