// regsim's compose_up / compose_down against fake-docker, compared with what the real Compose v1
// (Debian's docker-compose 1.29.2) creates from the same file on a second fake-docker: container
// names, images, commands, environment, labels, exposed and published ports, networks and
// aliases, and the project's networks with their labels. docker-compose then lists regsim's
// containers as its own, and down leaves both engines alike.
#include "scenarios/regsim/language/compose/compose_file.hpp"
#include "scenarios/regsim/peers/compose_control.hpp"

#include "fakes/common/http/client.hpp"
#include "fakes/common/url.hpp"
#include "tests/scenarios/regsim/test_paths.hpp"
#include "tests/support/process/child.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

namespace regsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kCompose = "/usr/bin/docker-compose";

// Exercises every part of the resolution docker-compose can be compared on.
constexpr const char* kComposeFile = R"(version: "3.7"
services:
  web5:
    image: test
    environment:
      SERVICE_NAME: valami
      WEIGHT: 3
    labels:
      - type=frontend
    ports:
      - "7679:80"
      - "127.0.0.1:9053:53/udp"
      - "443"
    depends_on: [api]
  api:
    image: test
    command: sh -c 'sleep "1000"'
    expose: ["8080"]
    environment: ["SERVICE_NAME=api", "PRICE=$$5"]
    networks:
      default:
      back:
        aliases: [api-back]
  worker:
    image: test
    command: ["sleep", "1000"]
    scale: 2
    networks: [back]
networks:
  back:
    labels:
      tier: back
)";

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class ComposeAgainstFakeDocker : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kCompose)) << "docker-compose 1.29.2 is installed by ci/bootstrap";
    ASSERT_TRUE(fs::exists(test::bin_dir() / "fake-docker")) << "fake-docker is not built in " << test::bin_dir();
    std::string pattern = (fs::temp_directory_path() / "regsim-compose-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ / "app");
    fs::create_directories(dir_ / "home" / ".docker");
    file_ = dir_ / "app" / "docker-compose.yml";
    std::ofstream(file_) << kComposeFile;
    std::ofstream(dir_ / "images.json") << R"({"test": {"ExposedPorts": {"80/tcp": {}, "443/tcp": {}}}})";
    start_fake("compose");
    start_fake("regsim");
  }
  void TearDown() override {
    fakes_.clear();  // stopped and reaped by their destructors
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void start_fake(const std::string& name) {
    const auto socket = (dir_ / (name + ".sock")).string();
    const auto ready = dir_ / (name + ".ready");
    fakes_.push_back(std::make_unique<test_support::ChildProcess>(
        test_support::Command{(test::bin_dir() / "fake-docker").string(), "--socket", socket, "--images",
                              (dir_ / "images.json").string(), "--ready-file", ready.string()},
        test_support::Output::log_file(dir_ / (name + ".log"))));
    ASSERT_TRUE(fakes_.back()->wait_for_file(ready, 20s));
  }
  std::string socket(const std::string& name) const { return (dir_ / (name + ".sock")).string(); }

  test_support::RunResult compose(const std::string& engine, const std::string& args) {
    const std::string home = (dir_ / "home").string();
    return test_support::run_shell(
        "env -u DOCKER_API_VERSION -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH -u COMPOSE_PROJECT_NAME "
        "-u COMPOSE_FILE -u COMPOSE_API_VERSION HOME=" + shell_quote(home) + " DOCKER_CONFIG=" +
            shell_quote(home + "/.docker") + " DOCKER_HOST=unix://" + shell_quote(socket(engine)) + " " + kCompose +
            " --ansi never -p p -f " + shell_quote(file_.string()) + " " + args + " 2>&1",
        {.timeout = 120s});
  }

  json get(const std::string& engine, const std::string& target) {
    const auto r = fakes::http::fetch(fakes::http::Endpoint::unix_path(socket(engine)), boost::beast::http::verb::get,
                                      target, {}, {}, 10s);
    EXPECT_EQ(r.status, 200u) << target << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  }
  json list(const std::string& engine, const std::string& what) {
    return get(engine, "/" + what + "?all=1&filters=" +
                           fakes::http::percent_encode(R"({"label": ["com.docker.compose.project=p"]})"));
  }
  std::set<std::string> names(const std::string& engine) {
    std::set<std::string> out;
    for (const auto& c : list(engine, "containers/json")) out.insert(c["Names"][0].get<std::string>().substr(1));
    return out;
  }
  std::map<std::string, json> networks(const std::string& engine) {
    std::map<std::string, json> out;
    for (const auto& n : list(engine, "networks")) out[n["Name"].get<std::string>()] = n.value("Labels", json::object());
    return out;
  }

  // What a user compares between two engines' `docker inspect`: everything Compose decides.
  static json comparable(const json& inspect) {
    json labels = inspect["Config"]["Labels"];
    labels.erase("com.docker.compose.config-hash");  // Compose's hash of its own config: not reproduced
    json env = inspect["Config"]["Env"];
    std::sort(env.begin(), env.end());
    json nets = json::object();
    const auto short_id = inspect["Id"].get<std::string>().substr(0, 12);
    for (const auto& [name, endpoint] : inspect["NetworkSettings"]["Networks"].items()) {
      std::set<std::string> aliases;
      for (const auto& a : endpoint.value("Aliases", json::array()))
        if (a != short_id) aliases.insert(a.get<std::string>());  // the engine's own alias for the container
      nets[name] = aliases;
    }
    return {{"Name", inspect["Name"]},
            {"Image", inspect["Config"]["Image"]},
            {"Cmd", inspect["Config"]["Cmd"]},
            {"Env", env},
            {"Labels", labels},
            {"ExposedPorts", inspect["Config"]["ExposedPorts"]},
            {"PortBindings", inspect["HostConfig"]["PortBindings"]},
            {"NetworkMode", inspect["HostConfig"]["NetworkMode"]},
            {"State", inspect["State"]["Status"]},
            {"Networks", nets}};
  }

  // docker-compose up on one fake, regsim's compose_up on the other, from file_: the same
  // containers (field by field), the same networks with the same labels.
  void expect_up_as_compose(const std::set<std::string>& expected) {
    const auto up = compose("compose", "up -d");
    ASSERT_EQ(up.exit_code, 0) << up.output;
    DockerControl docker(socket("regsim"));
    const auto made = compose_up(docker, compose::load_compose_file(file_, "p"));
    EXPECT_EQ(std::set<std::string>(made.begin(), made.end()), expected);
    ASSERT_EQ(names("compose"), expected);
    ASSERT_EQ(names("regsim"), expected);
    for (const auto& name : expected) {
      const json theirs = get("compose", "/containers/" + name + "/json");
      const json ours = get("regsim", "/containers/" + name + "/json");
      EXPECT_EQ(comparable(ours), comparable(theirs)) << name << "\nregsim:  " << comparable(ours).dump()
                                                      << "\ncompose: " << comparable(theirs).dump();
      EXPECT_EQ(theirs["Config"]["Labels"].value("com.docker.compose.config-hash", "").size(), 64u);
    }
    EXPECT_EQ(networks("regsim"), networks("compose"));
  }

  fs::path dir_, file_;
  std::vector<std::unique_ptr<test_support::ChildProcess>> fakes_;
};

TEST_F(ComposeAgainstFakeDocker, UpCreatesWhatDockerCompose129Creates) {
  const auto version = test_support::run_shell(std::string(kCompose) + " version --short");
  ASSERT_EQ(version.output, "1.29.2\n");
  expect_up_as_compose({"p_web5_1", "p_api_1", "p_worker_1", "p_worker_2"});
  EXPECT_EQ(networks("regsim").at("p_back").value("tier", ""), "back");

  // docker-compose takes regsim's containers for its project's own.
  const auto ps = compose("regsim", "ps");
  ASSERT_EQ(ps.exit_code, 0) << ps.output;
  for (const auto& name : {"p_web5_1", "p_api_1", "p_worker_1", "p_worker_2"})
    EXPECT_THAT(ps.output, ::testing::ContainsRegex(std::string(name) + " .* Up ")) << ps.output;

  // A second up changes nothing (the containers are kept, as an unchanged `up` keeps them).
  DockerControl docker(socket("regsim"));
  const auto id = get("regsim", "/containers/p_web5_1/json")["Id"];
  compose_up(docker, compose::load_compose_file(file_, "p"));
  EXPECT_EQ(get("regsim", "/containers/p_web5_1/json")["Id"], id);
  EXPECT_EQ(names("regsim").size(), 4u);
}

// The compose file the shipped compose-web5 scenario brings up: docker-compose reads it (its
// `config` prints it back) and creates the same containers and networks from it.
TEST_F(ComposeAgainstFakeDocker, ShippedWeb5FileIsReadAndBroughtUpAsDockerComposeDoes) {
  std::ifstream shipped(test::source_dir() / "scenarios" / "compose" / "web5.compose.yml");
  ASSERT_TRUE(shipped) << "scenarios/compose/web5.compose.yml";
  std::ofstream(file_) << shipped.rdbuf();
  const auto config = compose("compose", "config --services");
  ASSERT_EQ(config.exit_code, 0) << config.output;
  EXPECT_EQ(config.output, "web5\nworker\n");
  expect_up_as_compose({"p_web5_1", "p_worker_1", "p_worker_2"});
}

TEST_F(ComposeAgainstFakeDocker, DownRemovesWhatDockerCompose129Removes) {
  // The workers also join an external network; another project has a container.
  std::string text = kComposeFile;
  text.replace(text.find("networks: [back]"), 16, "networks: [back, shared]");
  std::ofstream(file_) << text << "  shared:\n    external: true\n";
  for (const auto& engine : {"compose", "regsim"}) {
    DockerControl docker(socket(engine));
    docker.create_network("shared");
    RunAction other;
    other.name = "other";
    other.image = "test";
    other.labels = {{"com.docker.compose.project", "q"}};
    docker.run(other);
  }
  ASSERT_EQ(compose("compose", "up -d").exit_code, 0);
  const auto project = compose::load_compose_file(file_, "p");
  DockerControl docker(socket("regsim"));
  compose_up(docker, project);
  ASSERT_EQ(names("regsim").size(), 4u);

  const auto down = compose("compose", "down");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  auto removed = compose_down(docker, project);
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<std::string>{"p_api_1", "p_web5_1", "p_worker_1", "p_worker_2"}));

  for (const auto& engine : {"compose", "regsim"}) {
    EXPECT_TRUE(names(engine).empty()) << engine;
    EXPECT_TRUE(networks(engine).empty()) << engine << ": the project's networks are gone";
    std::set<std::string> left;
    for (const auto& n : get(engine, "/networks")) left.insert(n["Name"].get<std::string>());
    EXPECT_TRUE(left.count("shared")) << engine << ": an external network stays";
    EXPECT_FALSE(left.count("p_default")) << engine;
    EXPECT_EQ(get(engine, "/containers/other/json")["State"]["Status"], "running") << engine << ": other projects stay";
  }
  // Down again: nothing left to remove, and no error.
  EXPECT_TRUE(compose_down(docker, project).empty());
}

TEST_F(ComposeAgainstFakeDocker, UpWithAMissingExternalNetworkFailsNamingIt) {
  std::ofstream(file_) << "services:\n  web:\n    image: test\n    networks: [shared]\nnetworks:\n  shared:\n    external: true\n";
  const auto project = compose::load_compose_file(file_, "p");
  DockerControl docker(socket("regsim"));
  try {
    compose_up(docker, project);
    FAIL() << "no error";
  } catch (const DockerError& e) {
    EXPECT_STREQ(e.what(), "network shared is declared as external, but there is no such network");
  }
  EXPECT_TRUE(names("regsim").empty()) << "nothing created";
}

}  // namespace
}  // namespace regsim
