// The fake engine's state model: lifecycle, networking, image merge, filters and the events a
// real engine emits, checked without any I/O.
#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/engine/engine.hpp"
#include "fakes/docker/filters/event_filter.hpp"

#include <gtest/gtest.h>

namespace fd = fakes::docker;

namespace {

struct ManualClock {
  std::int64_t now = 1'700'000'000'000'000'000;
  fd::Clock clock() {
    return [this] { return now; };
  }
};

fd::ImageCatalog test_images() {
  return fd::ImageCatalog::from_json(
      R"({"test": {"ExposedPorts": {"80/tcp": {}, "443/tcp": {}}, "Env": ["PATH=/bin", "MODE=image"],
                   "Labels": {"maintainer": "img", "tier": "base"}, "Cmd": ["nginx"]}})");
}

class FakeDockerEngine : public ::testing::Test {
 protected:
  fd::Engine make(std::uint64_t seed = 7) { return fd::Engine({seed, test_images(), clock.clock(), 256}); }
  static fd::CreateSpec web(std::string name = "web") {
    fd::CreateSpec spec;
    spec.name = std::move(name);
    spec.image = "test";
    spec.env = {"SERVICE_NAME=valami", "MODE=run"};
    spec.labels = {{"type", "frontend"}, {"tier", "edge"}};
    spec.host_config.network_mode = "default";
    spec.host_config.port_bindings["80/tcp"] = {fd::PortBinding{"", "7679"}};
    return spec;
  }
  static std::vector<std::string> actions(const fd::Engine& e, const std::string& type = "container") {
    std::vector<std::string> out;
    for (const auto& ev : e.events().history())
      if (type.empty() || ev.type == type) out.push_back(ev.action);
    return out;
  }
  ManualClock clock;
};

TEST_F(FakeDockerEngine, CreateMergesImageConfigAndNamesHostAfterId) {
  auto engine = make();
  const auto& c = engine.create(web());
  ASSERT_EQ(c.id.size(), 64u);
  EXPECT_EQ(c.id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(c.config.hostname, c.id.substr(0, 12));
  EXPECT_EQ(c.config.env, (std::vector<std::string>{"PATH=/bin", "MODE=run", "SERVICE_NAME=valami"}));
  EXPECT_EQ(c.config.labels.at("maintainer"), "img");
  EXPECT_EQ(c.config.labels.at("tier"), "edge");  // create overrides image
  EXPECT_EQ(c.config.exposed_ports, (std::set<std::string>{"443/tcp", "80/tcp"}));
  EXPECT_EQ(c.config.cmd, std::vector<std::string>{"nginx"});
  EXPECT_EQ(c.host_config.network_mode, "default");  // as the engine stores it; reported per API version
  EXPECT_EQ(c.endpoint.network, "bridge");
  EXPECT_EQ(c.state.status, "created");
  EXPECT_TRUE(c.endpoint.ip.empty());
}

TEST_F(FakeDockerEngine, UnknownImageIsAPulledImageWithEmptyConfig) {
  auto engine = make();
  fd::CreateSpec spec;
  spec.image = "somewhere/unknown:1.0";
  const auto& c = engine.create(spec);
  EXPECT_TRUE(c.config.exposed_ports.empty());
  EXPECT_TRUE(c.config.env.empty());
  EXPECT_FALSE(c.name.empty());  // generated
  EXPECT_EQ(c.image_id.rfind("sha256:", 0), 0u);
}

TEST_F(FakeDockerEngine, SameSeedGivesSameIds) {
  auto a = make(42), b = make(42), c = make(43);
  EXPECT_EQ(a.create(web()).id, b.create(web()).id);
  EXPECT_NE(a.bridge_network_id(), c.bridge_network_id());
}

TEST_F(FakeDockerEngine, NameConflictIs409WithEngineText) {
  auto engine = make();
  const auto& first = engine.create(web());
  try {
    engine.create(web());
    FAIL() << "expected a conflict";
  } catch (const fd::DockerError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(std::string(e.what()), "Conflict. The container name \"/web\" is already in use by container \"" +
                                         first.id +
                                         "\". You have to remove (or rename) that container to be able to reuse that name.");
  }
  EXPECT_EQ(engine.container_count(), 1u);
}

TEST_F(FakeDockerEngine, StartAssignsBridgeIpAndPublishesBothFamilies) {
  auto engine = make();
  const auto& c = engine.create(web());
  engine.start("web");
  EXPECT_EQ(c.state.status, "running");
  EXPECT_EQ(c.endpoint.ip, "172.17.0.2");
  EXPECT_EQ(c.endpoint.gateway, "172.17.0.1");
  EXPECT_EQ(c.endpoint.prefix_len, 16);
  EXPECT_EQ(c.endpoint.mac, "02:42:ac:11:00:02");
  ASSERT_EQ(c.published.at("80/tcp").size(), 2u);
  EXPECT_EQ(c.published.at("80/tcp")[0].host_ip, "0.0.0.0");
  EXPECT_EQ(c.published.at("80/tcp")[1].host_ip, "::");
  EXPECT_EQ(c.published.at("80/tcp")[0].host_port, "7679");
  EXPECT_FALSE(c.published.count("443/tcp"));
  EXPECT_THROW(
      try { engine.start("web"); } catch (const fd::DockerError& e) {
        EXPECT_EQ(e.status(), 304);
        throw;
      },
      fd::DockerError);
}

TEST_F(FakeDockerEngine, IpIsFreedOnStopAndReusedLowestFirst) {
  auto engine = make();
  auto spec_a = web("aa"), spec_b = web("bb"), spec_c = web("cc");
  spec_a.host_config.port_bindings.clear();
  spec_b.host_config.port_bindings.clear();
  spec_c.host_config.port_bindings.clear();
  const auto& a = engine.create(spec_a);
  const auto& b = engine.create(spec_b);
  const auto& c = engine.create(spec_c);
  engine.start("aa");
  engine.start("bb");
  EXPECT_EQ(a.endpoint.ip, "172.17.0.2");
  EXPECT_EQ(b.endpoint.ip, "172.17.0.3");
  ASSERT_TRUE(engine.stop_begin("aa"));
  engine.stop_finish("aa");
  EXPECT_EQ(a.endpoint.ip, "");
  engine.start("cc");
  EXPECT_EQ(c.endpoint.ip, "172.17.0.2");
}

TEST_F(FakeDockerEngine, PublishAllUsesEphemeralPortsAndConflictsFailStart) {
  auto engine = make();
  fd::CreateSpec spec;
  spec.name = "all";
  spec.image = "test";
  spec.host_config.publish_all_ports = true;
  const auto& c = engine.create(spec);
  engine.start("all");
  EXPECT_EQ(c.published.at("443/tcp")[0].host_port, "32768");
  EXPECT_EQ(c.published.at("80/tcp")[0].host_port, "32769");

  engine.create(web("one"));
  engine.create(web("two"));
  engine.start("one");
  try {
    engine.start("two");
    FAIL();
  } catch (const fd::DockerError& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_NE(std::string(e.what()).find("Bind for 0.0.0.0:7679 failed: port is already allocated"), std::string::npos);
  }
  EXPECT_EQ(engine.get("two").state.status, "created");
}

TEST_F(FakeDockerEngine, StopEmitsKillDieStopWithEngineAttributes) {
  auto engine = make();
  const auto& c = engine.create(web());
  engine.start(c.id);
  clock.now += 5'000'000'000;
  ASSERT_TRUE(engine.stop_begin(c.id.substr(0, 12)));
  engine.stop_finish(c.id);
  EXPECT_EQ(actions(engine), (std::vector<std::string>{"create", "start", "kill", "die", "stop"}));
  EXPECT_EQ(actions(engine, "network"), (std::vector<std::string>{"connect", "disconnect"}));
  const auto& history = engine.events().history();
  const fd::Event* kill = nullptr;
  const fd::Event* die = nullptr;
  for (const auto& e : history) {
    if (e.action == "kill") kill = &e;
    if (e.action == "die") die = &e;
  }
  ASSERT_TRUE(kill && die);
  EXPECT_EQ(kill->attributes.at("signal"), "15");
  EXPECT_EQ(die->attributes.at("exitCode"), "143");
  EXPECT_EQ(die->attributes.at("execDuration"), "5");
  EXPECT_EQ(die->attributes.at("name"), "web");
  EXPECT_EQ(die->attributes.at("image"), "test");
  EXPECT_EQ(die->attributes.at("type"), "frontend");
  EXPECT_EQ(die->actor_id, c.id);
  EXPECT_EQ(die->time_nano, clock.now);
  EXPECT_EQ(c.state.exit_code, 143);
  EXPECT_EQ(c.state.status, "exited");
}

TEST_F(FakeDockerEngine, ProcessIgnoringTermNeedsKill9) {
  auto engine = make();
  engine.create(web());
  engine.start("web");
  engine.set_term_behaviour("web", fd::TermBehaviour{true, 0});
  EXPECT_FALSE(engine.stop_begin("web"));
  EXPECT_TRUE(engine.get("web").state.running);
  engine.kill("web", 9);
  engine.stop_finish("web");
  EXPECT_EQ(actions(engine), (std::vector<std::string>{"create", "start", "kill", "kill", "die", "stop"}));
  EXPECT_EQ(engine.get("web").state.exit_code, 137);
}

TEST_F(FakeDockerEngine, CustomTermExitCodeAndSelfExit) {
  auto engine = make();
  engine.create(web());
  engine.start("web");
  engine.set_term_behaviour("web", fd::TermBehaviour{false, 0});
  engine.stop_begin("web");
  EXPECT_EQ(engine.get("web").state.exit_code, 0);
  engine.start("web");
  engine.exit("web", 3);
  EXPECT_EQ(engine.get("web").state.exit_code, 3);
  EXPECT_EQ(actions(engine).back(), "die");
}

TEST_F(FakeDockerEngine, RemoveRunningNeedsForceAndForceKills) {
  auto engine = make();
  engine.create(web());
  engine.start("web");
  try {
    engine.remove("web", false);
    FAIL();
  } catch (const fd::DockerError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(std::string(e.what()),
              "cannot remove container \"/web\": container is running: stop the container before removing or force remove");
  }
  engine.remove("/web", true);
  EXPECT_EQ(engine.container_count(), 0u);
  EXPECT_EQ(actions(engine), (std::vector<std::string>{"create", "start", "kill", "die", "destroy"}));
  try {
    engine.get("web");
    FAIL();
  } catch (const fd::DockerError& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_EQ(std::string(e.what()), "No such container: web");
  }
}

TEST_F(FakeDockerEngine, PauseRenameAndHealthEvents) {
  auto engine = make();
  engine.create(web());
  engine.start("web");
  engine.pause("web");
  EXPECT_EQ(engine.get("web").state.status, "paused");
  engine.unpause("web");
  engine.rename("web", "web2");
  engine.set_health("web2", "healthy");
  const auto& history = engine.events().history();
  auto rename = std::find_if(history.begin(), history.end(), [](const auto& e) { return e.action == "rename"; });
  ASSERT_NE(rename, history.end());
  EXPECT_EQ(rename->attributes.at("oldName"), "/web");
  EXPECT_EQ(rename->attributes.at("name"), "web2");
  EXPECT_EQ(history.back().action, "health_status: healthy");
  EXPECT_TRUE(fd::event_matches(history.back(), {{"event", {"health_status"}}}));
}

TEST_F(FakeDockerEngine, ListFiltersInBothForms) {
  auto engine = make();
  auto a = web("aa"), b = web("bb");
  a.host_config.port_bindings.clear();
  b.host_config.port_bindings.clear();
  b.labels = {{"type", "backend"}};
  engine.create(a);
  engine.create(b);
  engine.create(web("cc"));
  engine.start("aa");
  engine.start("bb");
  engine.exit("bb", 2);

  auto names = [&](fd::ListQuery q) {
    std::vector<std::string> out;
    for (auto* c : engine.list(q)) out.push_back(c->name);
    return out;
  };
  EXPECT_EQ(names({}), std::vector<std::string>{"aa"});
  EXPECT_EQ(names({true, -1, {}}), (std::vector<std::string>{"cc", "bb", "aa"}));
  EXPECT_EQ(names({true, 2, {}}), (std::vector<std::string>{"cc", "bb"}));
  auto map_form = fd::parse_filter_args(R"({"status":{"running":true,"created":true}})");
  EXPECT_EQ(names({false, -1, map_form}), (std::vector<std::string>{"cc", "aa"}));
  auto array_form = fd::parse_filter_args(R"({"status":["created","restarting","running","paused"]})");
  EXPECT_EQ(names({false, -1, array_form}), (std::vector<std::string>{"cc", "aa"}));
  EXPECT_EQ(names({true, -1, fd::parse_filter_args(R"({"label":["type=backend"]})")}), std::vector<std::string>{"bb"});
  EXPECT_EQ(names({true, -1, fd::parse_filter_args(R"({"exited":["2"]})")}), std::vector<std::string>{"bb"});
  EXPECT_EQ(names({true, -1, fd::parse_filter_args(R"({"name":{"cc":true}})")}), std::vector<std::string>{"cc"});
  EXPECT_EQ(names({true, -1, fd::parse_filter_args(R"({"ancestor":["test:latest"]})")}).size(), 3u);
  EXPECT_EQ(names({false, -1, fd::parse_filter_args(R"({"network":["bridge"]})")}), std::vector<std::string>{"aa"});
  const std::string a_id = engine.get("aa").id;
  EXPECT_EQ(names({true, -1, fd::FilterArgs{{"id", {a_id.substr(0, 5)}}}}), std::vector<std::string>{"aa"});
  EXPECT_THROW(engine.list({true, -1, fd::parse_filter_args(R"({"bogus":["x"]})")}), fd::DockerError);
  EXPECT_THROW(fd::parse_filter_args("{not json"), fd::DockerError);
  EXPECT_THROW(engine.list({true, -1, fd::parse_filter_args(R"({"status":["sleeping"]})")}), fd::DockerError);
}

TEST_F(FakeDockerEngine, EventFiltersAndTimeWindow) {
  auto engine = make();
  engine.create(web());
  clock.now += 1'000'000'000;
  engine.start("web");
  const auto& history = engine.events().history();
  std::size_t starts = 0;
  for (const auto& e : history)
    if (fd::event_matches(e, fd::parse_filter_args(R"({"type":{"container":true},"event":{"start":true}})"))) ++starts;
  EXPECT_EQ(starts, 1u);
  EXPECT_TRUE(fd::event_matches(history.front(), {{"container", {"web"}}, {"label", {"type=frontend"}}}));
  EXPECT_TRUE(fd::event_matches(history.front(), {{"image", {"test:latest"}}}));
  EXPECT_FALSE(fd::event_matches(history.front(), {{"label", {"type=backend"}}}));
  EXPECT_EQ(engine.events().between(clock.now, clock.now).size(), 2u);  // network connect + start
}

TEST_F(FakeDockerEngine, ImageCatalogErrorsNameTheProblem) {
  try {
    fd::ImageCatalog::from_json(R"({"x": {"ExposedPorts": {"eighty/tcp": {}}}})");
    FAIL();
  } catch (const fd::ImageCatalogError& e) {
    EXPECT_NE(std::string(e.what()).find("image \"x\": ExposedPorts key \"eighty/tcp\""), std::string::npos);
  }
  EXPECT_THROW(fd::ImageCatalog::from_json("[1,2]"), fd::ImageCatalogError);
  EXPECT_THROW(fd::ImageCatalog::from_json("{"), fd::ImageCatalogError);
}

TEST(FakeDockerClock, FormatsAndParsesLikeTheEngine) {
  EXPECT_EQ(fd::format_rfc3339_nano(1'700'000'000'500'000'000), "2023-11-14T22:13:20.5Z");
  EXPECT_EQ(fd::format_rfc3339_nano(0), "0001-01-01T00:00:00Z");
  std::int64_t ns = 0;
  EXPECT_TRUE(fd::parse_unix_seconds("1700000000.25", ns));
  EXPECT_EQ(ns, 1'700'000'000'250'000'000);
  EXPECT_FALSE(fd::parse_unix_seconds("12abc", ns));
  EXPECT_FALSE(fd::parse_unix_seconds("", ns));
}

TEST(FakeDockerSignals, ParseNamesAndNumbers) {
  EXPECT_EQ(fd::parse_signal("SIGKILL"), 9);
  EXPECT_EQ(fd::parse_signal("term"), 15);
  EXPECT_EQ(fd::parse_signal("1"), 1);
  EXPECT_FALSE(fd::parse_signal("SIGNOPE"));
}

}  // namespace
