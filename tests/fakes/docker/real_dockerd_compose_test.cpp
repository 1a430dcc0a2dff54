// Side by side with a real Docker engine (see side_by_side_fixture.hpp): the compose file of
// compose_test.cpp brought up with docker-compose 1.29.2 on both engines (API 1.41 on both), the
// results a client of the engine sees compared, then taken down on both.
//
// Compared: which containers and networks exist, each container's state, environment, labels,
// NetworkMode, port bindings and networks (address family, gateway, aliases), each network's
// IPAM, labels and members. Allowed to differ, because the engines and not compose differ:
//  * ids: the short ID compose adds to each endpoint's aliases is each engine's own (checked
//    against the container's ID, then set aside);
//  * the com.docker.compose.config-hash label: compose hashes the image ID into it, and each
//    engine has its own image (a 64-digit hash on both, and unchanged by a second `up -d`);
//  * alias order: compose sends them in Python's set order, different from run to run;
//  * addresses within a network: compose creates the containers of a service in parallel, so
//    which one gets which address varies from run to run on either engine (the subnet and
//    gateway must agree);
//  * `::` port bindings: the real engine's namespace has no IPv6 (see normalise()).
#include "tests/fakes/docker/side_by_side_fixture.hpp"

namespace {

using namespace side_by_side;

constexpr const char* kCompose = "/usr/bin/docker-compose";

test_support::RunResult compose(const std::string& socket, const std::string& args) {
  return run_shell("env -u DOCKER_API_VERSION -u DOCKER_CONTEXT -u COMPOSE_PROJECT_NAME -u COMPOSE_FILE DOCKER_HOST=unix://" +
                       socket + " " + kCompose + " --ansi never -p hc -f " + DOCKER_COMPOSE_FILE + " " + args + " 2>&1",
                   {.timeout = 180s});
}

// What a client of one engine sees of the project, in a form both engines must agree on.
json project_view(const std::string& socket) {
  json view = json::object();
  const json list = api_get(socket, "/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22com.docker.compose.project%3Dhc%22%5D%7D");
  for (const auto& summary : list) {
    const std::string name = summary["Names"][0].get<std::string>().substr(1);
    json c = api_get(socket, "/v1.41/containers/" + name + "/json");
    const std::string short_id = c["Id"].get<std::string>().substr(0, 12);
    json labels = c["Config"]["Labels"];
    const std::string hash = labels.value("com.docker.compose.config-hash", "");
    EXPECT_EQ(hash.size(), 64u) << name << " on " << socket;
    labels["com.docker.compose.config-hash"] = "<64 hex digits>";
    json networks = json::object();
    for (const auto& [net, e] : c["NetworkSettings"]["Networks"].items()) {
      std::vector<std::string> aliases;
      for (const auto& a : e["Aliases"].is_array() ? e["Aliases"] : json::array())
        aliases.push_back(a == short_id ? "<own short id>" : a.get<std::string>());
      std::sort(aliases.begin(), aliases.end());
      const std::string ip = e["IPAddress"];
      networks[net] = {{"Aliases", aliases},
                       {"Subnet", ip.substr(0, ip.find('.', ip.find('.') + 1))},
                       {"Gateway", e["Gateway"]},
                       {"IPPrefixLen", e["IPPrefixLen"]}};
    }
    view["containers"][name] = {{"State", c["State"]["Status"]},
                                {"Env", c["Config"]["Env"]},
                                {"Cmd", c["Config"]["Cmd"]},
                                {"Labels", labels},
                                {"NetworkMode", c["HostConfig"]["NetworkMode"]},
                                {"PortBindings", c["HostConfig"]["PortBindings"]},
                                {"Ports", c["NetworkSettings"]["Ports"]},
                                {"Networks", networks}};
  }
  for (const auto& n : api_get(socket, "/v1.41/networks")) {
    const std::string name = n["Name"];
    if (!name.starts_with("hc_")) continue;
    const json full = api_get(socket, "/v1.41/networks/" + name);
    std::vector<std::string> members;
    for (const auto& [id, member] : full["Containers"].items()) members.push_back(member["Name"]);
    std::sort(members.begin(), members.end());
    view["networks"][name] = {{"Labels", full["Labels"]}, {"IPAM", full["IPAM"]}, {"Driver", full["Driver"]},
                              {"Members", members}};
  }
  return view;
}

TEST_F(SideBySide, ComposeProjectAgrees) {
  ASSERT_EQ(run_shell(std::string(kCompose) + " version --short").output, "1.29.2\n") << "docker-compose (ci/bootstrap)";
  ASSERT_EQ(real_->cli("tag tiny:1 test").exit_code, 0);
  for (const std::string step : {"up -d --scale worker=2", "stop", "start", "restart", "up -d --scale worker=2"}) {
    const auto r = compose(real_->socket(), step);
    const auto f = compose(fake_->socket(), step);
    ASSERT_EQ(r.exit_code, 0) << "real: docker-compose " << step << "\n" << r.output;
    ASSERT_EQ(f.exit_code, 0) << "fake: docker-compose " << step << "\n" << f.output;
    const json real = project_view(real_->socket());
    const json fake = project_view(fake_->socket());
    EXPECT_EQ(differences(real, fake), std::vector<std::string>{})
        << "after docker-compose " << step << ":\n" << join(differences(real, fake));
  }
  const auto r = compose(real_->socket(), "down");
  const auto f = compose(fake_->socket(), "down");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(f.exit_code, 0) << f.output;
  EXPECT_EQ(project_view(fake_->socket()), json::object());
  EXPECT_EQ(project_view(real_->socket()), json::object());
  real_->cli("rmi test >/dev/null");
}

}  // namespace
