// The docker CLI (28.x) against a scripted fake container: `docker exec` (output, exit codes, the
// engine's refusals), `docker logs` (--tail, stream separation, -f ending when the container
// stops) and `docker run` attached. The image's FakeProcess is in the --images file.
#include "tests/fakes/docker/cli_fixture.hpp"

using namespace fake_docker_cli_test;

namespace {

constexpr const char* kScriptedImages = R"({"scripted": {"FakeProcess": {
  "Logs": ["starting", {"stderr": "no config"}, "listening on :80"],
  "Exec": {"cat /etc/motd": {"Stdout": "hello\n"}, "sh -c exit 3": {"Stderr": "bye\n", "ExitCode": 3}}}}})";

class FakeDockerCliProcessIo : public FakeDockerCli {
 protected:
  void SetUp() override {
    FakeDockerCli::SetUp();
    std::ofstream(dir_ / "images.json") << kScriptedImages;
    start_fake();
  }
  CommandResult control(const std::string& path, const std::string& body = "") {
    return run_shell("curl -sf --unix-socket " + shell_quote(socket_) + " -X POST --data-binary " + shell_quote(body) +
                     " " + shell_quote("http://docker/_fake/" + path));
  }
  // `docker COMMAND` in the background, its stdout and stderr apart in files.
  std::unique_ptr<test_support::ChildProcess> docker_in_background(const std::string& args, const std::string& name) {
    const std::string home = (dir_ / "home").string();
    const std::string script = "exec env -u DOCKER_HOST HOME=" + shell_quote(home) + " DOCKER_CONFIG=" +
                               shell_quote(home + "/.docker") + " " + kDockerCli + " -H unix://" + shell_quote(socket_) +
                               " " + args + " >" + shell_quote((dir_ / (name + ".out")).string()) + " 2>" +
                               shell_quote((dir_ / (name + ".err")).string());
    return std::make_unique<test_support::ChildProcess>(test_support::Command{"/bin/sh", "-c", script});
  }
  std::string file(const std::string& name) {
    std::ifstream in(dir_ / name);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  template <class Pred>
  bool poll(Pred pred, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(5ms);  // polling a condition with a deadline, not a wait for time
    }
    return pred();
  }
};

TEST_F(FakeDockerCliProcessIo, DockerExecPrintsTheScriptAndReturnsItsExitCode) {
  ASSERT_EQ(docker("run -d --name c1 --hostname web1 scripted").exit_code, 0);
  auto hostname = docker("exec c1 cat /etc/hostname");
  EXPECT_EQ(hostname.exit_code, 0) << hostname.output;
  EXPECT_EQ(hostname.output, "web1\n");
  auto motd = docker("exec c1 cat /etc/motd");
  EXPECT_EQ(motd.exit_code, 0);
  EXPECT_EQ(motd.output, "hello\n");
  auto failing = run_shell("env -u DOCKER_HOST HOME=" + shell_quote((dir_ / "home").string()) + " " + kDockerCli +
                               " -H unix://" + shell_quote(socket_) + " exec c1 sh -c 'exit 3'",
                           {.separate_stderr = true});
  EXPECT_EQ(failing.exit_code, 3) << "the command's exit code is the CLI's";
  EXPECT_EQ(failing.output, "");
  EXPECT_EQ(failing.error_output, "bye\n") << "stderr stays stderr";

  auto missing = docker("exec c1 nosuchcommand");
  EXPECT_EQ(missing.exit_code, 126) << "Docker 27 and older (the fake's API 1.47): 126\n" << missing.output;
  EXPECT_EQ(missing.output,
            "OCI runtime exec failed: exec failed: unable to start container process: exec: \"nosuchcommand\": "
            "executable file not found in $PATH: unknown\r\n")
      << "the engine writes the error on the stream, CRLF included";

  ASSERT_EQ(control("containers/c1/exec", R"({"Cmd": ["cat", "/etc/motd"], "Stdout": "changed\n", "ExitCode": 2})").exit_code, 0);
  auto changed = docker("exec c1 cat /etc/motd");
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_EQ(changed.output, "changed\n");
  auto tty = docker("exec -t c1 echo raw");
  EXPECT_EQ(tty.exit_code, 0);
  EXPECT_EQ(tty.output, "raw\n") << "with a TTY the stream is not framed";

  ASSERT_EQ(docker("stop -t 1 c1").exit_code, 0);
  auto stopped = docker("exec c1 true");
  EXPECT_NE(stopped.exit_code, 0);
  EXPECT_NE(stopped.output.find("is not running"), std::string::npos) << stopped.output;
}

TEST_F(FakeDockerCliProcessIo, DockerLogsTailsAndFollowsUntilTheContainerStops) {
  ASSERT_EQ(docker("run -d --name c1 scripted").exit_code, 0);
  auto all = docker("logs c1");
  EXPECT_EQ(lines_of(all.output), (std::vector<std::string>{"starting", "no config", "listening on :80"}));
  auto tail = docker("logs --tail 2 c1 2>/dev/null");
  EXPECT_EQ(tail.output, "listening on :80\n") << "the last two lines; the stderr one went to stderr";
  auto stamped = docker("logs -t --tail 1 c1");
  ASSERT_GE(stamped.output.size(), 31u) << stamped.output;
  EXPECT_EQ(stamped.output.substr(29, 2), "Z ") << stamped.output;

  auto follower = docker_in_background("logs -f c1", "follow");
  ASSERT_TRUE(poll([&] { return file("follow.out").find("listening on :80") != std::string::npos; }))
      << file("follow.out");
  ASSERT_EQ(control("containers/c1/logs?stream=stdout", "GET / 200\n").exit_code, 0);
  ASSERT_TRUE(poll([&] { return file("follow.out").find("GET / 200") != std::string::npos; })) << file("follow.out");
  EXPECT_TRUE(follower->running()) << "following goes on while the container runs";
  ASSERT_EQ(docker("stop -t 1 c1").exit_code, 0);
  EXPECT_EQ(follower->wait_exit(10s), 0) << "docker logs -f ends when the container stops";
  EXPECT_EQ(file("follow.out"), "starting\nlistening on :80\nGET / 200\n");
  EXPECT_EQ(file("follow.err"), "no config\n");
}

TEST_F(FakeDockerCliProcessIo, DockerRunAttachedPrintsTheRunAndItsExitCode) {
  auto run = docker_in_background("run --name c1 scripted", "run");
  ASSERT_TRUE(poll([&] { return file("run.out").find("listening on :80") != std::string::npos; })) << file("run.out");
  ASSERT_EQ(control("containers/c1/exit?code=4").exit_code, 0);
  EXPECT_EQ(run->wait_exit(10s), 4) << "docker run exits with the container's code";
  EXPECT_EQ(file("run.out"), "starting\nlistening on :80\n");
  EXPECT_EQ(file("run.err"), "no config\n");
}

}  // namespace
