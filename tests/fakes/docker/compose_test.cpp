// Compose v1 (Debian's docker-compose 1.29.2, docker-py underneath) against the fake-docker
// executable: clients/compose/docker-compose.yml brought up, listed, stopped, started,
// restarted, brought up again unchanged and taken down, checked as a user would, with
// docker-compose's own listing and the docker CLI.
#include "tests/fakes/docker/cli_fixture.hpp"

#include <algorithm>
#include <map>

using namespace fake_docker_cli_test;

namespace {

constexpr const char* kCompose = "/usr/bin/docker-compose";

class FakeDockerCompose : public FakeDockerCli {
 protected:
  CommandResult compose(const std::string& args) {
    const std::string home = (dir_ / "home").string();
    return run_shell("env -u DOCKER_API_VERSION -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH "
                     "-u COMPOSE_PROJECT_NAME -u COMPOSE_FILE -u COMPOSE_API_VERSION HOME=" + shell_quote(home) +
                     " DOCKER_CONFIG=" + shell_quote(home + "/.docker") + " DOCKER_HOST=unix://" + shell_quote(socket_) +
                     " " + kCompose + " --ansi never -p hc -f " + shell_quote(DOCKER_COMPOSE_FILE) + " " + args + " 2>&1",
                     {.timeout = 120s});
  }
  /// name -> State.Status of the project's containers.
  std::map<std::string, std::string> project_states() {
    std::map<std::string, std::string> out;
    for (const auto& line : lines_of(docker("ps -a --filter label=com.docker.compose.project=hc --format '{{.Names}} {{.State}}'").output))
      out[line.substr(0, line.find(' '))] = line.substr(line.find(' ') + 1);
    return out;
  }
  json inspect(const std::string& name) {
    const auto r = docker("inspect " + name);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.exit_code == 0 ? json::parse(r.output).at(0) : json::object();
  }
};

bool has_all(const json& list, std::vector<std::string> wanted) {
  if (!list.is_array()) return false;
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](const std::string& w) { return std::find(list.begin(), list.end(), w) != list.end(); });
}

TEST_F(FakeDockerCompose, UpPsStopStartRestartDown) {
  const auto version = run_shell(std::string(kCompose) + " version --short");
  ASSERT_EQ(version.output, "1.29.2\n") << "docker-compose 1.29.2 (ci/bootstrap)";
  start_fake();

  auto up = compose("up -d --scale worker=2");
  ASSERT_EQ(up.exit_code, 0) << up.output;
  const std::map<std::string, std::string> all_running = {
      {"hc_api_1", "running"}, {"hc_web_1", "running"}, {"hc_worker_1", "running"}, {"hc_worker_2", "running"}};
  EXPECT_EQ(project_states(), all_running);
  auto ps = compose("ps");
  ASSERT_EQ(ps.exit_code, 0) << ps.output;
  // A header, a rule, then one line per container: its name, command, state and ports.
  const auto ps_lines = lines_of(ps.output);
  ASSERT_EQ(ps_lines.size(), 6u) << ps.output;
  for (const auto& [name, _] : all_running)
    EXPECT_TRUE(std::any_of(ps_lines.begin(), ps_lines.end(), [&](const std::string& line) {
      return line.starts_with(name + " ") && line.find(" Up ") != std::string::npos;
    })) << name << " is not listed as Up:\n" << ps.output;
  EXPECT_NE(ps.output.find("0.0.0.0:8080->80/tcp"), std::string::npos) << ps.output;

  // Networks: the project's default one and `back`, with compose's labels and the file's.
  auto nets = lines_of(docker("network ls --filter label=com.docker.compose.project=hc --format '{{.Name}}'").output);
  std::sort(nets.begin(), nets.end());
  EXPECT_EQ(nets, (std::vector<std::string>{"hc_back", "hc_default"}));
  EXPECT_EQ(docker("network inspect -f '{{index .Labels \"tier\"}} {{index .Labels \"com.docker.compose.network\"}}' hc_back").output,
            "back back\n");

  // web: the published port, its environment and labels (its own and compose's).
  EXPECT_NE(docker("port hc_web_1 80").output.find("0.0.0.0:8080"), std::string::npos);
  const json web = inspect("hc_web_1");
  EXPECT_TRUE(has_all(web["Config"]["Env"], {"SERVICE_NAME=web"})) << web["Config"]["Env"];
  const json& labels = web["Config"]["Labels"];
  EXPECT_EQ(labels.value("team", ""), "blue");
  EXPECT_EQ(labels.value("com.docker.compose.service", ""), "web");
  EXPECT_EQ(labels.value("com.docker.compose.container-number", ""), "1");
  const std::string web_hash = labels.value("com.docker.compose.config-hash", "");
  EXPECT_EQ(web_hash.size(), 64u) << labels;
  EXPECT_EQ(web["NetworkSettings"]["Networks"].size(), 1u);
  EXPECT_TRUE(has_all(web["NetworkSettings"]["Networks"]["hc_default"]["Aliases"], {"web"}));

  // api: on both networks, an address and compose's aliases on each (the service name, the
  // short ID that compose adds itself, and the file's alias on back).
  const json api = inspect("hc_api_1");
  const std::string api_short = api["Id"].get<std::string>().substr(0, 12);
  const json& api_nets = api["NetworkSettings"]["Networks"];
  ASSERT_EQ(api_nets.size(), 2u) << api_nets;
  EXPECT_TRUE(has_all(api_nets["hc_default"]["Aliases"], {"api", api_short})) << api_nets;
  EXPECT_TRUE(has_all(api_nets["hc_back"]["Aliases"], {"api", api_short, "api-back"})) << api_nets;
  EXPECT_FALSE(api_nets["hc_default"]["IPAddress"].get<std::string>().empty());
  EXPECT_FALSE(api_nets["hc_back"]["IPAddress"].get<std::string>().empty());
  EXPECT_TRUE(has_all(api["Config"]["Env"], {"SERVICE_NAME=api"}));
  for (const char* worker : {"hc_worker_1", "hc_worker_2"}) {
    const json w = inspect(worker);
    EXPECT_EQ(w["NetworkSettings"]["Networks"].size(), 1u) << worker;
    EXPECT_TRUE(w["NetworkSettings"]["Networks"].contains("hc_back")) << worker;
  }

  auto stop = compose("stop");
  ASSERT_EQ(stop.exit_code, 0) << stop.output;
  for (const auto& [name, state] : project_states()) EXPECT_EQ(state, "exited") << name;
  auto start = compose("start");
  ASSERT_EQ(start.exit_code, 0) << start.output;
  EXPECT_EQ(project_states(), all_running);
  auto restart = compose("restart");
  ASSERT_EQ(restart.exit_code, 0) << restart.output;
  EXPECT_EQ(project_states(), all_running);
  EXPECT_EQ(inspect("hc_api_1")["NetworkSettings"]["Networks"].size(), 2u) << "start and restart keep both networks";

  // Unchanged file: the same containers, kept with their config hash.
  auto again = compose("up -d --scale worker=2");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("hc_web_1 is up-to-date"), std::string::npos) << again.output;
  const json web_again = inspect("hc_web_1");
  EXPECT_EQ(web_again["Id"], web["Id"]);
  EXPECT_EQ(web_again["Config"]["Labels"].value("com.docker.compose.config-hash", ""), web_hash);

  auto down = compose("down");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  EXPECT_TRUE(project_states().empty());
  EXPECT_EQ(docker("network ls --filter label=com.docker.compose.project=hc -q").output, "");
  EXPECT_NE(docker("network inspect hc_default").exit_code, 0);
}

}  // namespace
