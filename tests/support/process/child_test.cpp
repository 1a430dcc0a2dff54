// The tests' process helper: exit codes, captured output, deadlines, signals, and that nothing
// it started outlives it.
#include "tests/support/process/child.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test_support::ChildProcess;
using test_support::Command;
using test_support::Output;
using test_support::run;
using test_support::run_shell;
using Clock = std::chrono::steady_clock;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Polls `condition` every 10 ms until it holds or `limit` passes.
template <typename Condition>
bool within(std::chrono::milliseconds limit, Condition condition) {
  const auto deadline = Clock::now() + limit;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);  // polling interval
  }
  return true;
}

// No such process any more, or only a zombie waiting for a parent that is not us.
bool process_gone(pid_t pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  const auto close_paren = stat.rfind(')');
  return close_paren != std::string::npos && stat.size() > close_paren + 2 && stat[close_paren + 2] == 'Z';
}

class ProcessHelper : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "test-support-process-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

TEST_F(ProcessHelper, RunReportsTheExitStatusAndTheOutputInOrder) {
  const auto r = run_shell("echo one; echo two >&2; echo three; exit 3");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.output, "one\ntwo\nthree\n");
  EXPECT_EQ(r.error_output, "");
}

TEST_F(ProcessHelper, RunKeepsStderrApartWhenAsked) {
  const auto r = run(Command{"/bin/sh", "-c", "echo out; echo err >&2"}, {.separate_stderr = true});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "out\n");
  EXPECT_EQ(r.error_output, "err\n");
}

TEST_F(ProcessHelper, ASignalThatEndsTheCommandIs128PlusItsNumber) {
  EXPECT_EQ(run_shell("kill -KILL $$").exit_code, 128 + SIGKILL);
  EXPECT_EQ(run_shell("kill -TERM $$").exit_code, 128 + SIGTERM);
}

TEST_F(ProcessHelper, ABareNameIsLookedUpInPath) {
  const auto r = run({"echo", "found"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "found\n");
}

TEST_F(ProcessHelper, EnvironmentChangesAndWorkingDirectoryReachTheChild) {
  ::setenv("TEST_SUPPORT_DROPPED", "still here", 1);
  const auto r = run(Command{"/bin/sh", "-c", "echo \"$GREETING|${TEST_SUPPORT_DROPPED-unset}|$(pwd)\""}
                         .env("GREETING", "hello")
                         .unset_env("TEST_SUPPORT_DROPPED")
                         .in_directory(dir_));
  ::unsetenv("TEST_SUPPORT_DROPPED");
  EXPECT_EQ(r.output, "hello|unset|" + fs::canonical(dir_).string() + "\n");
}

TEST_F(ProcessHelper, AProgramThatCannotStartThrowsNamingTheCommandAndWhy) {
  try {
    ChildProcess child({"no-such-program-anywhere", "--flag"});
    ADD_FAILURE() << "started a program that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), ("cannot start `no-such-program-anywhere --flag`: no-such-program-anywhere not found in PATH (" +
                            std::string(std::getenv("PATH")) + ")")
                               .c_str());
  }
  std::ofstream(dir_ / "not-executable") << "#!/bin/sh\n";
  EXPECT_THROW(
      {
        try {
          run({(dir_ / "not-executable").string()});
        } catch (const std::runtime_error& e) {
          EXPECT_NE(std::string(e.what()).find("cannot execute " + (dir_ / "not-executable").string() +
                                                ": Permission denied"),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      std::runtime_error);
  EXPECT_THROW(run(Command{"/bin/true"}.in_directory(dir_ / "missing")), std::runtime_error);
}

TEST_F(ProcessHelper, ATimeoutKillsTheWholeCommandAndFailsNamingIt) {
  const auto started = Clock::now();
  test_support::RunResult r;
  EXPECT_NONFATAL_FAILURE(
      r = run_shell("sleep 60 & echo $! > " + (dir_ / "background.pid").string() + "; echo waiting; wait",
                    {.timeout = 300ms}),
      "did not finish within 300 ms and was killed");
  EXPECT_LT(Clock::now() - started, 10s);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  EXPECT_EQ(r.output, "waiting\n") << "what it wrote before the deadline";
  const pid_t background = std::stoi(read_text(dir_ / "background.pid"));
  EXPECT_TRUE(within(10s, [&] { return process_gone(background); })) << "the shell's background job survived";
}

TEST_F(ProcessHelper, NoDescriptorOfTheTestReachesTheChild) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);  // without O_CLOEXEC, as a library might
  const auto r = run_shell("ls /proc/$$/fd");
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_EQ(r.output, "0\n1\n2\n") << "only stdin, stdout and stderr";
}

TEST_F(ProcessHelper, ALongRunningChildIsWaitedForThenSignalled) {
  const auto ready = dir_ / "ready";
  ChildProcess child({"/bin/sh", "-c", "echo started; echo yes > " + ready.string() + "; exec sleep 60"});
  ASSERT_TRUE(child.wait_for_file(ready, 10s));
  EXPECT_TRUE(child.running());
  EXPECT_EQ(child.exit_description(), std::nullopt);
  EXPECT_TRUE(child.wait_until([&] { return child.output() == "started\n"; }, 10s, "its greeting"));
  EXPECT_EQ(child.wait_exit(50ms), ChildProcess::kStillRunning);

  EXPECT_TRUE(child.signal(SIGTERM));
  EXPECT_EQ(child.wait_exit(10s), 128 + SIGTERM);
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.exit_description(), "killed by signal 15 (Terminated)");
}

TEST_F(ProcessHelper, WaitingFailsAtOnceWhenTheChildExitsFirst) {
  ChildProcess child({"/bin/sh", "-c", "echo 'cannot bind' >&2; exit 4"});
  const auto started = Clock::now();
  const auto waited = child.wait_for_file(dir_ / "never", 60s);
  EXPECT_LT(Clock::now() - started, 10s);
  ASSERT_FALSE(waited);
  EXPECT_NE(std::string(waited.message()).find("`/bin/sh -c 'echo '\\''cannot bind'\\'' >&2; exit 4'`"),
            std::string::npos)
      << waited.message();
  EXPECT_NE(std::string(waited.message()).find("exited with status 4"), std::string::npos) << waited.message();
  EXPECT_NE(std::string(waited.message()).find("cannot bind"), std::string::npos) << waited.message();
  EXPECT_EQ(child.wait_exit(0ms), 4);
  EXPECT_EQ(child.exit_description(), "exited with status 4");
}

TEST_F(ProcessHelper, WaitingGivesUpAtTheDeadlineAndLeavesTheChildRunning) {
  ChildProcess child({"/bin/sleep", "60"});
  const auto waited = child.wait_until([] { return false; }, 100ms, "something that never happens");
  ASSERT_FALSE(waited);
  EXPECT_NE(std::string(waited.message()).find("something that never happens did not happen within 100 ms"),
            std::string::npos)
      << waited.message();
  EXPECT_NE(std::string(waited.message()).find("is still running"), std::string::npos) << waited.message();
  EXPECT_TRUE(child.running());
}

TEST_F(ProcessHelper, TheDestructorEndsAndReapsTheChildAndItsChildren) {
  pid_t leader = -1, background = -1;
  {
    const auto pid_file = dir_ / "background.pid";
    ChildProcess child({"/bin/sh", "-c", "sleep 60 & echo $! > " + pid_file.string() + ".tmp; mv " +
                                             pid_file.string() + ".tmp " + pid_file.string() + "; wait"});
    ASSERT_TRUE(child.wait_for_file(pid_file, 10s));
    leader = child.pid();
    background = std::stoi(read_text(pid_file));
    EXPECT_FALSE(process_gone(background));
  }
  errno = 0;
  EXPECT_NE(::kill(leader, 0), 0) << "reaped: no zombie is left";
  EXPECT_EQ(errno, ESRCH);
  EXPECT_TRUE(within(10s, [&] { return process_gone(background); })) << "the background job survived";
}

TEST_F(ProcessHelper, StopEndsWithSigkillWhatIgnoresSigterm) {
  const auto ready = dir_ / "ready";
  ChildProcess child({"/bin/sh", "-c", "trap '' TERM; touch " + ready.string() + "; while :; do sleep 1; done"});
  ASSERT_TRUE(child.wait_for_file(ready, 10s));
  const auto started = Clock::now();
  EXPECT_EQ(child.stop(200ms), 128 + SIGKILL);
  EXPECT_LT(Clock::now() - started, 5s);
  EXPECT_EQ(child.stop(), 128 + SIGKILL) << "idempotent";
  EXPECT_FALSE(child.signal(SIGTERM)) << "nothing to signal once reaped";
}

TEST_F(ProcessHelper, StopLetsAChildEndCleanlyOnSigterm) {
  const auto ready = dir_ / "ready";
  ChildProcess child({"/bin/sh", "-c", "trap 'echo cleaned up; exit 0' TERM; touch " + ready.string() +
                                           "; while :; do sleep 0.05; done"});
  ASSERT_TRUE(child.wait_for_file(ready, 10s));
  EXPECT_EQ(child.stop(10s), 0);
  // The shell may also report its sleep, which the same SIGTERM to the group ended.
  EXPECT_NE(child.output().find("cleaned up\n"), std::string::npos) << child.output();
}

TEST_F(ProcessHelper, KillGivesNoChanceToCleanUp) {
  const auto ready = dir_ / "ready";
  ChildProcess child({"/bin/sh", "-c", "trap 'echo cleaned up; exit 0' TERM; touch " + ready.string() +
                                           "; while :; do sleep 0.05; done"});
  ASSERT_TRUE(child.wait_for_file(ready, 10s));
  EXPECT_EQ(child.kill(), 128 + SIGKILL);
  EXPECT_EQ(child.output(), "");
}

TEST_F(ProcessHelper, LogFilesAreAppendedToOrStartedAfresh) {
  const auto log = dir_ / "child.log";
  {
    ChildProcess first({"/bin/sh", "-c", "echo first; echo oops >&2"}, Output::log_file(log));
    EXPECT_EQ(first.wait_exit(10s), 0);
    EXPECT_EQ(first.output(), "first\noops\n");
  }
  {
    ChildProcess second({"/bin/echo", "second"}, Output::log_file(log));
    EXPECT_EQ(second.wait_exit(10s), 0);
  }
  EXPECT_EQ(read_text(log), "first\noops\nsecond\n");
  ChildProcess fresh({"/bin/echo", "fresh"}, Output::fresh_log_file(log));
  EXPECT_EQ(fresh.wait_exit(10s), 0);
  EXPECT_EQ(read_text(log), "fresh\n");
}

}  // namespace
