// fake-docker's HTTP API, containers: inspect and list shapes and filters, stop/kill/wait,
// pause and rename, and the cached views that must show every change.
#include "tests/fakes/docker/api/api_fixture.hpp"

#include <future>

namespace {

using namespace fake_docker_api_test;

TEST_F(FakeDockerApi, InspectHasTheEngineShapes) {
  const std::string id = run_web();
  for (const std::string& ref : {id, id.substr(0, 12), std::string("web5")}) {
    auto res = call(verb::get, "/v1.47/containers/" + ref + "/json");
    ASSERT_EQ(res.status, 200u) << ref << ": " << res.body;
    auto c = json::parse(res.body);
    EXPECT_EQ(c.at("Id"), id);
    EXPECT_EQ(c.at("Name"), "/web5");
  }
  auto c = json::parse(call(verb::get, "/v1.47/containers/web5/json").body);
  EXPECT_EQ(c["State"]["Status"], "running");
  EXPECT_EQ(c["State"]["Running"], true);
  EXPECT_EQ(c["Config"]["Hostname"], id.substr(0, 12));
  EXPECT_EQ(c["Config"]["Image"], "test");
  EXPECT_EQ(c["Config"]["Env"], json({"SERVICE_NAME=valami"}));
  EXPECT_EQ(c["Config"]["Labels"], json({{"type", "frontend"}}));
  EXPECT_EQ(c["Config"]["ExposedPorts"], json({{"443/tcp", json::object()}, {"80/tcp", json::object()}}));
  EXPECT_EQ(c["HostConfig"]["NetworkMode"], "bridge");
  const auto& net = c["NetworkSettings"];
  EXPECT_EQ(net["IPAddress"], "172.17.0.2");
  EXPECT_EQ(net["Gateway"], "172.17.0.1");
  EXPECT_TRUE(net["Ports"]["443/tcp"].is_null());
  EXPECT_EQ(net["Ports"]["80/tcp"],
            json::parse(R"([{"HostIp":"0.0.0.0","HostPort":"7679"},{"HostIp":"::","HostPort":"7679"}])"));
  const auto& bridge = net["Networks"]["bridge"];
  EXPECT_EQ(bridge["IPAddress"], "172.17.0.2");
  EXPECT_EQ(bridge["Gateway"], "172.17.0.1");
  EXPECT_EQ(bridge["IPPrefixLen"], 16);
  EXPECT_EQ(bridge["MacAddress"], "02:42:ac:11:00:02");
  EXPECT_EQ(bridge["NetworkID"].get<std::string>().size(), 64u);
  EXPECT_EQ(bridge["EndpointID"].get<std::string>().size(), 64u);
}

TEST_F(FakeDockerApi, ListFiltersAcceptBothForms) {
  run_web("web5", "7679");
  auto created = call(verb::post, "/containers/create?name=idle", R"({"Image":"test","Labels":{"type":"backend"}})");
  ASSERT_EQ(created.status, 201u);
  auto names = [&](const std::string& query) {
    auto res = call(verb::get, "/v1.47/containers/json?" + query);
    EXPECT_EQ(res.status, 200u) << res.body;
    std::vector<std::string> out;
    for (const auto& c : json::parse(res.body)) out.push_back(c["Names"][0]);
    return out;
  };
  EXPECT_EQ(names(""), std::vector<std::string>{"/web5"});
  EXPECT_EQ(names("all=1"), (std::vector<std::string>{"/idle", "/web5"}));
  EXPECT_EQ(names("all=1&filters=" + http::percent_encode(R"({"status":{"created":true}})")),
            std::vector<std::string>{"/idle"});
  EXPECT_EQ(names("filters=" + http::percent_encode(R"({"status":["created","restarting","running","paused"]})")),
            (std::vector<std::string>{"/idle", "/web5"}));
  EXPECT_EQ(names("all=1&filters=" + http::percent_encode(R"({"label":{"type=frontend":true}})")),
            std::vector<std::string>{"/web5"});
  auto summary = json::parse(call(verb::get, "/containers/json").body).at(0);
  EXPECT_EQ(summary["State"], "running");
  EXPECT_EQ(summary["Ports"],
            json::parse(R"([{"PrivatePort":443,"Type":"tcp"},{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":7679,"Type":"tcp"},
                            {"IP":"::","PrivatePort":80,"PublicPort":7679,"Type":"tcp"}])"));
}

TEST_F(FakeDockerApi, StopEscalatesToKillWhenTermIsIgnored) {
  const std::string id = run_web();
  fake_->set_term_behaviour(id, fd::TermBehaviour{true, 0});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(call(verb::post, "/v1.47/containers/web5/stop?t=1").status, 204u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
  auto c = fake_->container("web5");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state.exit_code, 137);
  std::vector<std::string> seen;
  for (const auto& e : fake_->events())
    if (e.type == "container" && (e.action == "kill" || e.action == "die" || e.action == "stop"))
      seen.push_back(e.action + (e.attributes.count("signal") ? ":" + e.attributes.at("signal") : ""));
  EXPECT_EQ(seen, (std::vector<std::string>{"kill:15", "kill:9", "die", "stop"}));
}

TEST_F(FakeDockerApi, WaitAnswersWhenTheContainerExits) {
  const std::string id = run_web();
  auto waiting = std::async(std::launch::async, [&] { return call(verb::post, "/v1.47/containers/web5/wait"); });
  // The control API over HTTP, as a launcher in another process would use it.
  ASSERT_TRUE(poll_until([&] {
    auto res = call(verb::get, "/_fake/requests");
    return res.body.find("/wait") != std::string::npos;
  }));
  auto exited = call(verb::post, "/_fake/containers/web5/exit?code=3");
  EXPECT_EQ(exited.status, 204u);
  auto res = waiting.get();
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(json::parse(res.body), json::parse(R"({"StatusCode":3,"Error":null})"));
  auto c = json::parse(call(verb::get, "/containers/web5/json").body);
  EXPECT_EQ(c["State"]["Status"], "exited");
  EXPECT_EQ(c["State"]["ExitCode"], 3);
  EXPECT_EQ(c["NetworkSettings"]["Networks"]["bridge"]["IPAddress"], "");
  EXPECT_EQ(call(verb::post, "/_fake/containers/nope/exit?code=1").status, 404u);
}

TEST_F(FakeDockerApi, PauseRenameRestartKill) {
  run_web();
  EXPECT_EQ(call(verb::post, "/containers/web5/pause").status, 204u);
  EXPECT_EQ(json::parse(call(verb::get, "/containers/web5/json").body)["State"]["Status"], "paused");
  EXPECT_EQ(call(verb::post, "/containers/web5/unpause").status, 204u);
  EXPECT_EQ(call(verb::post, "/containers/web5/rename?name=web6").status, 204u);
  EXPECT_EQ(call(verb::post, "/containers/web6/restart?t=1").status, 204u);
  EXPECT_EQ(call(verb::post, "/containers/web6/kill?signal=SIGKILL").status, 204u);
  auto c = json::parse(call(verb::get, "/containers/web6/json").body);
  EXPECT_EQ(c["State"]["ExitCode"], 137);
  std::vector<std::string> actions;
  for (const auto& e : fake_->events())
    if (e.type == "container") actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "start", "pause", "unpause", "rename", "kill", "die", "stop",
                                               "start", "restart", "kill", "die"}));
  EXPECT_EQ(call(verb::post, "/containers/web6/kill?signal=NOPE").status, 400u);
}

// List and inspect are served from serialized views cached per container: every change made
// after a read must show in the next read, for each API version separately.
TEST_F(FakeDockerApi, ListAndInspectShowEveryChangeAfterACachedRead) {
  const auto id = run_web();
  auto inspect = [&](const std::string& version, const std::string& ref) {
    return json::parse(call(verb::get, "/" + version + "/containers/" + ref + "/json").body);
  };
  auto listed = [&] { return json::parse(call(verb::get, "/v1.47/containers/json?all=1").body).at(0); };
  ASSERT_EQ(inspect("v1.47", id)["State"]["Status"], "running");
  ASSERT_EQ(listed()["State"], "running");
  ASSERT_TRUE(inspect("v1.41", id)["NetworkSettings"].contains("IPAddress"));
  ASSERT_FALSE(inspect("v1.52", id)["NetworkSettings"].contains("IPAddress"));

  EXPECT_EQ(call(verb::post, "/v1.47/containers/web5/rename?name=web6").status, 204u);
  EXPECT_EQ(inspect("v1.47", id)["Name"], "/web6");
  EXPECT_EQ(listed()["Names"], json::array({"/web6"}));
  EXPECT_EQ(call(verb::get, "/v1.47/containers/web5/json").status, 404u) << "the old name must be gone";
  EXPECT_EQ(inspect("v1.47", "web6")["Id"], id);

  EXPECT_EQ(call(verb::post, "/_fake/containers/" + id + "/exit?code=3").status, 204u);
  EXPECT_EQ(inspect("v1.47", id)["State"]["ExitCode"], 3);
  EXPECT_EQ(inspect("v1.41", id)["State"]["Status"], "exited");
  EXPECT_EQ(inspect("v1.41", id)["NetworkSettings"]["IPAddress"], "");
  const auto entry = listed();
  EXPECT_EQ(entry["State"], "exited");
  EXPECT_EQ(entry["Status"].get<std::string>().rfind("Exited (3) ", 0), 0u) << entry["Status"];
  EXPECT_EQ(entry["Ports"], json::array());

  EXPECT_EQ(call(verb::post, "/v1.47/containers/" + id + "/start").status, 204u);
  EXPECT_EQ(listed()["Status"].get<std::string>().rfind("Up ", 0), 0u);
  EXPECT_EQ(call(verb::post, "/_fake/containers/" + id + "/health?status=unhealthy").status, 204u);
  EXPECT_EQ(inspect("v1.47", id)["State"]["Health"]["Status"], "unhealthy");
  EXPECT_NE(listed()["Status"].get<std::string>().find("(unhealthy)"), std::string::npos);

  EXPECT_EQ(call(verb::delete_, "/v1.47/containers/" + id + "?force=1").status, 204u);
  EXPECT_EQ(call(verb::get, "/v1.47/containers/" + id + "/json").status, 404u);
  EXPECT_EQ(json::parse(call(verb::get, "/v1.47/containers/json?all=1").body), json::array());
}

// Inspect on a kept connection is answered from bytes cached with the container's view: the same
// head and body as a one-off request's, and a change shows at once.
TEST_F(FakeDockerApi, KeptAliveInspectAnswersAsAOneOffRequestAndSeesChanges) {
  const auto id = run_web();
  const auto one_off = call(verb::get, "/v1.47/containers/" + id + "/json");
  ASSERT_EQ(one_off.status, 200u);
  KeptConnection kept(fake_->socket_path());
  const auto [head, body] = kept.exchange("GET", "/v1.47/containers/" + id + "/json");
  EXPECT_EQ(body, one_off.body);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  for (const char* field : {"Content-Type: application/json\r\n", "Api-Version: 1.47\r\n", "Ostype: linux\r\n",
                            "Docker-Experimental: false\r\n", "Server: Docker/"})
    EXPECT_NE(head.find(field), std::string::npos) << field << " missing from\n" << head;
  EXPECT_NE(head.find("Content-Length: " + std::to_string(one_off.body.size()) + "\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Connection:"), std::string::npos) << "HTTP/1.1 keeps alive without saying so";
  EXPECT_EQ(kept.exchange("GET", "/v1.47/containers/web5/json"), std::make_pair(head, body)) << "the same bytes again";

  EXPECT_EQ(call(verb::post, "/v1.47/containers/web5/rename?name=web6").status, 204u);
  EXPECT_EQ(json::parse(kept.exchange("GET", "/v1.47/containers/" + id + "/json").second)["Name"], "/web6");
  EXPECT_EQ(json::parse(kept.exchange("GET", "/v1.41/containers/" + id + "/json").second)["NetworkSettings"].contains("IPAddress"),
            true) << "another API version, another answer";
}

}  // namespace
