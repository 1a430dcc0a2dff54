// exec and logs side by side with a real dockerd 20.10: the same docker CLI commands on a
// container that prints three lines and on a fake one scripted to print them (through the
// /_fake/ control routes), compared as a user sees them: exit codes, stdout and stderr apart,
// the framed bytes of the logs endpoint, `logs -f` ending at stop, exec on a stopped container.
#include "tests/fakes/docker/side_by_side_fixture.hpp"

namespace {

using namespace side_by_side;

Shell fake_control(const std::string& socket, const std::string& path, const std::string& body) {
  return run_shell("curl -sS --fail --unix-socket " + socket + " -X POST --data-binary '" + body + "' 'http://docker/_fake/" +
                   path + "'");
}

// stdout and stderr of a docker CLI command apart, and its exit code, as "code|out|err".
template <class Engine>
std::string split_run(const Engine& engine, const std::string& args) {
  const auto r = run_shell("DOCKER_HOST=unix://" + engine.socket() + " " + kDockerCli + " " + args,
                           {.separate_stderr = true});
  return std::to_string(r.exit_code) + "|" + r.output + "|" + r.error_output;
}

TEST_F(SideBySide, ExecAndLogsAgreeWithTheRealEngine) {
  // Lines on one stream only: the engine copies stdout and stderr on goroutines of their own, so
  // the order between the two streams is not the process's. Stderr gets a container of its own.
  both("run -d --name talker tiny:1 /bin/sh -c 'echo starting; echo ready; "
       "trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null");
  both("run -d --name grumbler tiny:1 /bin/sh -c 'echo oops >&2; trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null");
  // The fake's processes print the same lines.
  ASSERT_EQ(fake_control(fake_->socket(), "containers/talker/logs?stream=stdout", "starting").exit_code, 0);
  ASSERT_EQ(fake_control(fake_->socket(), "containers/talker/logs?stream=stdout", "ready").exit_code, 0);
  ASSERT_EQ(fake_control(fake_->socket(), "containers/grumbler/logs?stream=stderr", "oops").exit_code, 0);
  // The real ones print them once their shells have run.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  auto printed = [&] {
    return real_->cli("logs talker 2>&1").output.find("ready") != std::string::npos &&
           real_->cli("logs grumbler 2>&1").output.find("oops") != std::string::npos;
  };
  while (std::chrono::steady_clock::now() < deadline && !printed())
    std::this_thread::sleep_for(20ms);  // polling for the real processes' output, bounded

  for (const std::string args : {"logs talker", "logs --tail 1 talker", "logs --tail 0 talker", "logs --tail all talker",
                                 "logs grumbler", "logs --tail 1 grumbler"})
    EXPECT_EQ(split_run(*fake_, args), split_run(*real_, args)) << "docker " << args;
  for (const std::string raw : {"/v1.41/containers/talker/logs?stdout=1&stderr=1",
                                "/v1.41/containers/grumbler/logs?stdout=1&stderr=1&tail=all"}) {
    auto real_bytes = run_shell("curl -sS --unix-socket " + real_->socket() + " 'http://docker" + raw + "' | od -An -c");
    auto fake_bytes = run_shell("curl -sS --unix-socket " + fake_->socket() + " 'http://docker" + raw + "' | od -An -c");
    EXPECT_EQ(fake_bytes.output, real_bytes.output) << "the framed bytes of GET " << raw;
  }
  const std::regex stamped(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ready\n$)");
  EXPECT_TRUE(std::regex_match(real_->cli("logs -t --tail 1 talker").output, stamped));
  EXPECT_TRUE(std::regex_match(fake_->cli("logs -t --tail 1 talker").output, stamped))
      << fake_->cli("logs -t --tail 1 talker").output;

  // exec: output, stderr and the exit code of a command; the fake's is scripted to match.
  const std::string command = "sh -c 'echo out; echo err >&2; exit 3'";
  ASSERT_EQ(fake_control(fake_->socket(), "containers/talker/exec",
                         R"({"Cmd": ["sh", "-c", "echo out; echo err >&2; exit 3"], "Stdout": "out\n", "Stderr": "err\n", "ExitCode": 3})")
                .exit_code,
            0);
  EXPECT_EQ(split_run(*fake_, "exec talker " + command), split_run(*real_, "exec talker " + command));
  // A command the container does not have: the engine's exit code and the words users grep for.
  const auto real_missing = real_->cli("exec talker nosuch");
  const auto fake_missing = fake_->cli("exec talker nosuch");
  EXPECT_EQ(fake_missing.exit_code, real_missing.exit_code) << real_missing.output;
  for (const auto* r : {&real_missing, &fake_missing})
    EXPECT_NE(r->output.find("exec: \"nosuch\": executable file not found in $PATH"), std::string::npos) << r->output;

  // logs -f ends when the container stops, on both.
  auto real_follow = std::make_unique<test_support::ChildProcess>(test_support::Command{
      "/bin/sh", "-c", "DOCKER_HOST=unix://" + real_->socket() + " " + kDockerCli + " logs -f --tail 1 talker 2>&1"});
  auto fake_follow = std::make_unique<test_support::ChildProcess>(test_support::Command{
      "/bin/sh", "-c", "DOCKER_HOST=unix://" + fake_->socket() + " " + kDockerCli + " logs -f --tail 1 talker 2>&1"});
  both("stop -t 5 talker >/dev/null");
  EXPECT_EQ(real_follow->wait_exit(20s), 0);
  EXPECT_EQ(fake_follow->wait_exit(20s), 0);
  EXPECT_EQ(fake_follow->output(), real_follow->output());

  // exec on a stopped container: refused by both, in the same words up to the ID.
  const auto real_stopped = real_->cli("exec talker sh -c true");
  const auto fake_stopped = fake_->cli("exec talker sh -c true");
  EXPECT_EQ(fake_stopped.exit_code, real_stopped.exit_code);
  const std::regex id(R"([0-9a-f]{64})");
  EXPECT_EQ(std::regex_replace(fake_stopped.output, id, "ID"), std::regex_replace(real_stopped.output, id, "ID"));
  both("rm -f talker grumbler >/dev/null");
}

}  // namespace
