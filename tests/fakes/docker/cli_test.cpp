// The fake-docker executable driven by the real docker CLI (28.x): what a user of
// `docker -H unix://...` sees, checked on the CLI's own output and exit codes. Networks are in
// cli_networks_test.cpp.
#include "tests/fakes/docker/cli_fixture.hpp"

#include <algorithm>

using namespace fake_docker_cli_test;

namespace {

using regtest::now_seconds_text;

TEST_F(FakeDockerCli, RunInspectStopRemoveAndEvents) {
  start_fake();
  auto version = docker("version --format '{{.Server.APIVersion}} {{.Server.MinAPIVersion}}'");
  ASSERT_EQ(version.exit_code, 0) << version.output;
  EXPECT_EQ(version.output, "1.47 1.24\n");

  const std::string since = "0";
  auto run = docker("run -d -e SERVICE_NAME=valami --name web5 --label type=frontend -p 7679:80 test");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string id = lines_of(run.output).at(0);
  ASSERT_EQ(id.size(), 64u) << run.output;

  auto ps = docker("ps");
  ASSERT_EQ(ps.exit_code, 0) << ps.output;
  auto ps_lines = lines_of(ps.output);
  ASSERT_EQ(ps_lines.size(), 2u) << ps.output;
  EXPECT_NE(ps_lines[1].find(id.substr(0, 12)), std::string::npos);
  EXPECT_NE(ps_lines[1].find("0.0.0.0:7679->80/tcp"), std::string::npos) << ps.output;
  EXPECT_NE(ps_lines[1].find("web5"), std::string::npos);

  auto ps_json = docker("ps -a --format '{{json .}}'");
  ASSERT_EQ(ps_json.exit_code, 0) << ps_json.output;
  auto row = json::parse(lines_of(ps_json.output).at(0));
  EXPECT_EQ(row["Names"], "web5");
  EXPECT_EQ(row["Image"], "test");
  EXPECT_EQ(row["State"], "running");
  EXPECT_EQ(row["Labels"], "type=frontend");
  EXPECT_NE(row["Ports"].get<std::string>().find("0.0.0.0:7679->80/tcp"), std::string::npos);

  auto inspect = docker("inspect web5");
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  auto c = json::parse(inspect.output).at(0);
  EXPECT_EQ(c["Id"], id);
  EXPECT_EQ(c["Name"], "/web5");
  EXPECT_EQ(c["NetworkSettings"]["IPAddress"], "172.17.0.2");
  EXPECT_EQ(c["NetworkSettings"]["Networks"]["bridge"]["IPAddress"], "172.17.0.2");
  EXPECT_EQ(c["NetworkSettings"]["Ports"]["80/tcp"][0], json({{"HostIp", "0.0.0.0"}, {"HostPort", "7679"}}));
  EXPECT_TRUE(c["NetworkSettings"]["Ports"]["443/tcp"].is_null());
  const auto env = c["Config"]["Env"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(env.begin(), env.end(), "SERVICE_NAME=valami"), env.end());
  EXPECT_EQ(c["Config"]["Labels"]["type"], "frontend");

  auto stop = docker("stop web5");
  ASSERT_EQ(stop.exit_code, 0) << stop.output;
  EXPECT_EQ(stop.output, "web5\n");
  auto exited = docker("inspect -f '{{.State.Status}} {{.State.ExitCode}}' web5");
  EXPECT_EQ(exited.output, "exited 143\n");
  auto rm = docker("rm web5");
  ASSERT_EQ(rm.exit_code, 0) << rm.output;
  EXPECT_EQ(rm.output, "web5\n");
  auto gone = docker("inspect web5");
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(gone.output.find("No such object: web5"), std::string::npos) << gone.output;

  auto events = docker("events --since " + since + " --until " + now_seconds_text() +
                       " --filter type=container --format '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}'");
  ASSERT_EQ(events.exit_code, 0) << events.output;
  std::vector<std::string> expected;
  for (const char* action : {"create", "start", "kill", "die", "stop", "destroy"})
    expected.push_back(std::string(action) + " " + id + " web5");
  EXPECT_EQ(lines_of(events.output), expected) << events.output;

  auto plain_events = docker("events --since 0 --until " + now_seconds_text());
  ASSERT_EQ(plain_events.exit_code, 0);
  EXPECT_NE(plain_events.output.find("container kill " + id + " (image=test, name=web5, signal=15, type=frontend)"),
            std::string::npos)
      << plain_events.output;
}

TEST_F(FakeDockerCli, CliErrorsLookLikeTheEngine) {
  start_fake();
  auto missing = docker("stop nothing-here");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("No such container: nothing-here"), std::string::npos) << missing.output;
  ASSERT_EQ(docker("run -d --name dup test").exit_code, 0);
  auto dup = docker("run -d --name dup test");
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_NE(dup.output.find("The container name \"/dup\" is already in use"), std::string::npos) << dup.output;
  auto filtered = docker("ps -a --filter status=running --format '{{.Names}}'");
  EXPECT_EQ(filtered.output, "dup\n");
}

// Several simulated hosts in one process: each --host has an engine of its own on its own
// socket (the docker CLI sees separate daemons), next to the --socket host.
TEST_F(FakeDockerCli, SeveralHostsInOneProcessAreSeparateEngines) {
  const std::string a = (dir_ / "a.sock").string(), b = (dir_ / "b.sock").string();
  start_fake({"--host", "a=" + a, "--host=b=" + b});
  std::ifstream in(dir_ / "ready.json");
  const auto ready = json::parse(in);
  EXPECT_EQ(ready.at("hosts"), (json{{"a", a}, {"b", b}}));

  auto on = [&](const std::string& socket, const std::string& args) {
    const std::string home = (dir_ / "home").string();
    return run_shell("env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_API_VERSION HOME=" + shell_quote(home) +
                     " DOCKER_CONFIG=" + shell_quote(home + "/.docker") + " " + kDockerCli + " -H unix://" +
                     shell_quote(socket) + " " + args);
  };
  ASSERT_EQ(on(a, "run -d --name web -p 8080:80 test").exit_code, 0);
  ASSERT_EQ(on(b, "run -d --name web -p 8080:80 test").exit_code, 0) << "the same name and port on another host";
  EXPECT_EQ(on(a, "ps -q").output.size(), 13u);
  EXPECT_EQ(on(b, "ps -q").output.size(), 13u);
  EXPECT_NE(on(a, "ps -q").output, on(b, "ps -q").output) << "hosts hand out different ids";
  EXPECT_EQ(on(socket_, "ps -q").output, "") << "the --socket host has none";
  ASSERT_EQ(on(a, "stop web").exit_code, 0);
  EXPECT_EQ(on(a, "ps -q").output, "");
  EXPECT_EQ(on(b, "ps -q").output.size(), 13u);

  fake_->signal(SIGTERM);
  EXPECT_EQ(fake_->wait_exit(20s), 0);
  fake_.reset();
  EXPECT_FALSE(fs::exists(a));
  EXPECT_FALSE(fs::exists(b));
  EXPECT_FALSE(fs::exists(socket_));

  auto bad = run_shell(shell_quote(binary_.string()) + " --host nameonly");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.output.rfind("fake-docker: invalid value for --host: \"nameonly\" is not NAME=SOCKET-PATH\nusage:", 0), 0u)
      << bad.output;
  auto twice = run_shell(shell_quote(binary_.string()) + " --host a=/tmp/x.sock --host a=/tmp/y.sock");
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.output.find("host \"a\" given twice"), std::string::npos) << twice.output;
}

TEST_F(FakeDockerCli, BadFlagsAndImageFilesExitWith2) {
  auto bad_flag = run_shell(shell_quote(binary_.string()) + " --socket /tmp/x.sock --bogus");
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_EQ(bad_flag.output.rfind("fake-docker: unknown flag: --bogus\nusage:", 0), 0u) << bad_flag.output;

  std::ofstream(dir_ / "broken.json") << R"({"test": {"ExposedPorts": )";
  auto broken = run_shell(shell_quote(binary_.string()) + " --socket " + shell_quote(socket_) + " --images " +
                          shell_quote((dir_ / "broken.json").string()));
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.output.find("images file " + (dir_ / "broken.json").string() + ": invalid JSON"), std::string::npos)
      << broken.output;

  auto unreadable = run_shell(shell_quote(binary_.string()) + " --socket " + shell_quote(socket_) +
                              " --images /nonexistent/images.json");
  EXPECT_EQ(unreadable.exit_code, 2);
  EXPECT_NE(unreadable.output.find("/nonexistent/images.json"), std::string::npos);
  EXPECT_FALSE(fs::exists(socket_));

  std::ofstream(dir_ / "host.json") << R"([{"Id": "abc", "Name": "/web", "Config": {"Image": "nginx"}}])";
  auto bad_state = run_shell(shell_quote(binary_.string()) + " --socket " + shell_quote(socket_) + " --state " +
                             shell_quote((dir_ / "host.json").string()));
  EXPECT_EQ(bad_state.exit_code, 2);
  EXPECT_NE(bad_state.output.find("fake-docker: invalid --state file " + (dir_ / "host.json").string() +
                                  ": [0].Id: expected 64 hex digits, got \"abc\""),
            std::string::npos)
      << bad_state.output;
  EXPECT_FALSE(fs::exists(socket_));
}

}  // namespace
