// Child processes: logs, exit status, stopping (SIGTERM then SIGKILL), exec failures, ready files.
#include "scenarios/regsim/processes/child_process.hpp"
#include "scenarios/regsim/processes/ready_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace regsim {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class ChildProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "regsim-child-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  LaunchSpec shell(const std::string& script) {
    return {"/bin/sh", {"-c", script}, {}, dir_ / "child.log", "test child", {}};
  }
  std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Polls until the process has ended or 10s pass.
  static bool ends_within_10s(ChildProcess& p) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (p.running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return !p.running();
  }

  fs::path dir_;
};

TEST_F(ChildProcessTest, OutputGoesToTheLogAndExitStatusIsReported) {
  auto spec = shell("echo out; echo err >&2; echo \"$REGSIM_TEST_VAR\"; exit 3");
  spec.env = {{"REGSIM_TEST_VAR", "from-regsim"}};
  ChildProcess child(spec);
  ASSERT_TRUE(ends_within_10s(child));
  EXPECT_EQ(child.exit_description(), "exited with status 3");
  EXPECT_EQ(read(dir_ / "child.log"), "out\nerr\nfrom-regsim\n");
  EXPECT_EQ(child.log_tail(2), "    err\n    from-regsim\n");
}

TEST_F(ChildProcessTest, MissingProgramIsALaunchErrorWithTheReason) {
  try {
    ChildProcess child(LaunchSpec{(dir_ / "no-such-program").string(), {}, {}, dir_ / "x.log", "ghost", {}});
    FAIL() << "expected LaunchError";
  } catch (const LaunchError& e) {
    EXPECT_THAT(e.what(), HasSubstr("ghost: cannot execute"));
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
  }
}

TEST_F(ChildProcessTest, StopTerminatesAndReaps) {
  ChildProcess child(shell("exec sleep 60"));
  EXPECT_TRUE(child.running());
  const pid_t pid = child.pid();
  child.stop();
  EXPECT_FALSE(child.running());
  EXPECT_THAT(*child.exit_description(), HasSubstr("killed by signal 15"));
  EXPECT_NE(::kill(pid, 0), 0) << "reaped: the pid is gone";
}

TEST_F(ChildProcessTest, StopKillsWhatIgnoresSigterm) {
  ChildProcess child(shell("trap '' TERM; echo ready; while :; do sleep 1; done"));
  // Wait until the trap is installed (the shell says so), not for a fixed time.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (read(dir_ / "child.log").find("ready") == std::string::npos && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto started = std::chrono::steady_clock::now();
  child.stop(std::chrono::milliseconds(200));
  EXPECT_FALSE(child.running());
  EXPECT_THAT(*child.exit_description(), HasSubstr("killed by signal 9"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(ChildProcessTest, DestructorStopsTheProcess) {
  pid_t pid;
  {
    ChildProcess child(shell("exec sleep 60"));
    pid = child.pid();
  }
  EXPECT_NE(::kill(pid, 0), 0);
}

TEST_F(ChildProcessTest, ReadyFileIsReturnedOnceComplete) {
  const auto file = dir_ / "ready.json";
  ChildProcess child(shell("printf '{\"socket\": \"/x\"}' > " + file.string() + ".tmp && mv " + file.string() +
                           ".tmp " + file.string() + " && exec sleep 60"));
  const auto ready = wait_for_ready_file(file, child, std::chrono::seconds(10));
  EXPECT_EQ(ready.at("socket"), "/x");
}

TEST_F(ChildProcessTest, ReadyFileWaitFailsFastWhenTheProcessDies) {
  ChildProcess child(shell("echo 'cannot bind' >&2; exit 4"));
  const auto started = std::chrono::steady_clock::now();
  try {
    wait_for_ready_file(dir_ / "never.json", child, std::chrono::seconds(30));
    FAIL() << "expected LaunchError";
  } catch (const LaunchError& e) {
    EXPECT_THAT(e.what(), HasSubstr("test child exited with status 4 before it was ready"));
    EXPECT_THAT(e.what(), HasSubstr("cannot bind"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST_F(ChildProcessTest, ReadyFileWaitTimesOut) {
  ChildProcess child(shell("exec sleep 60"));
  try {
    wait_for_ready_file(dir_ / "never.json", child, std::chrono::milliseconds(100));
    FAIL() << "expected LaunchError";
  } catch (const LaunchError& e) {
    EXPECT_THAT(e.what(), HasSubstr("did not write"));
  }
}

}  // namespace
}  // namespace regsim
