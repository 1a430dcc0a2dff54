// --state: a host snapshot (what `docker inspect $(docker ps -aq)` prints) read back into a new
// fake-docker: the same containers, IDs, names, states, addresses and host ports; and every
// malformed snapshot refused with the index and field named.
#include "fakes/common/http/client.hpp"
#include "fakes/docker/fake_docker.hpp"
#include "fakes/docker/state_snapshot.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fd = fakes::docker;
namespace http = fakes::http;
using boost::beast::http::verb;
using nlohmann::json;
using ::testing::HasSubstr;

namespace {

TEST(StateSnapshot, ParsesRfc3339Times) {
  EXPECT_EQ(fd::parse_rfc3339_nanos("1970-01-01T00:00:01Z"), 1'000'000'000);
  EXPECT_EQ(fd::parse_rfc3339_nanos("2024-05-01T10:00:00.123456789Z"), 1714557600'123456789LL);
  EXPECT_EQ(fd::parse_rfc3339_nanos("2024-05-01T12:00:00.5+02:00"), 1714557600'500000000LL);
  EXPECT_EQ(fd::parse_rfc3339_nanos("0001-01-01T00:00:00Z"), 0);
  EXPECT_EQ(fd::parse_rfc3339_nanos("2024-05-01 10:00:00Z"), std::nullopt);
  EXPECT_EQ(fd::parse_rfc3339_nanos("2024-05-01T10:00:00"), std::nullopt);
  EXPECT_EQ(fd::parse_rfc3339_nanos("2024-05-01T10:00:00.Z"), std::nullopt);
}

std::string snapshot_error(const std::string& text) {
  try {
    fd::parse_state_snapshot(text, "host.json");
  } catch (const fd::StateFileError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kId(64, 'a');

TEST(StateSnapshot, MalformedSnapshotsNameTheContainerAndField) {
  const std::string ok = R"({"Id":")" + kId + R"(","Name":"/web","Config":{"Image":"nginx"},"State":{"Status":"running"}})";
  EXPECT_EQ(fd::parse_state_snapshot("[" + ok + "]", "host.json").size(), 1u);
  EXPECT_THAT(snapshot_error("{"), HasSubstr("host.json: not JSON"));
  EXPECT_THAT(snapshot_error("{}"), HasSubstr("host.json: expected the JSON array that `docker inspect $(docker ps -aq)` prints"));
  EXPECT_THAT(snapshot_error("[5]"), HasSubstr("host.json: [0]: expected an inspect object"));
  EXPECT_THAT(snapshot_error(R"([{"Id":"abc","Name":"/x","Config":{"Image":"i"}}])"),
              HasSubstr("host.json: [0].Id: expected 64 hex digits, got \"abc\""));
  EXPECT_THAT(snapshot_error(R"([{"Id":")" + kId + R"(","Config":{"Image":"i"}}])"), HasSubstr("[0].Name: missing"));
  EXPECT_THAT(snapshot_error(R"([{"Id":")" + kId + R"(","Name":"/x"}])"), HasSubstr("[0].Config: missing"));
  EXPECT_THAT(snapshot_error(R"([{"Id":")" + kId + R"(","Name":"/x","Config":{"Image":"i","Env":"A=1"}}])"),
              HasSubstr("[0]: invalid JSON: Env must be an array of strings"));
  EXPECT_THAT(snapshot_error(R"([{"Id":")" + kId + R"(","Name":"/x","Config":{"Image":"i"},"State":{"Status":"sleeping"}}])"),
              HasSubstr("[0].State.Status: unknown status \"sleeping\""));
  EXPECT_THAT(snapshot_error(R"([{"Id":")" + kId + R"(","Name":"/x","Config":{"Image":"i"},"Created":"yesterday"}])"),
              HasSubstr("[0].Created: \"yesterday\" is not an RFC 3339 time"));
  EXPECT_THAT(snapshot_error("[" + ok + "," + ok + "]"), HasSubstr("[1].Id: " + kId + " appears twice"));
}

class StateRoundTrip : public ::testing::Test {
 protected:
  std::unique_ptr<fd::FakeDocker> start(const std::string& name, std::vector<fd::RestoredContainer> state = {}) {
    const auto dir = std::filesystem::temp_directory_path() / ("fake-docker-state-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    fd::FakeDockerOptions options;
    options.socket_path = (dir / (name + ".sock")).string();
    options.seed = name == "original" ? 1 : 2;  // different seeds: restored IDs must come from the file
    options.images = fd::ImageCatalog::from_json(R"({"web": {"ExposedPorts": {"80/tcp": {}}}})");
    options.state = std::move(state);
    auto fake = std::make_unique<fd::FakeDocker>(std::move(options));
    fake->start();
    return fake;
  }
  static http::ClientResponse call(fd::FakeDocker& fake, verb method, const std::string& target,
                                   const std::string& body = {}) {
    return http::fetch(http::Endpoint::unix_path(fake.socket_path()), method, target, body,
                       {{"Content-Type", "application/json"}});
  }
  static json get(fd::FakeDocker& fake, const std::string& target) {
    return json::parse(call(fake, verb::get, target).body);
  }
  static void run(fd::FakeDocker& fake, const std::string& name, const json& host_config) {
    ASSERT_EQ(call(fake, verb::post, "/v1.47/containers/create?name=" + name,
                   json{{"Image", "web"}, {"Env", {"SERVICE_NAME=" + name}}, {"Labels", {{"tier", "front"}}},
                        {"HostConfig", host_config}}.dump())
                  .status,
              201u);
    ASSERT_EQ(call(fake, verb::post, "/v1.47/containers/" + name + "/start").status, 204u);
  }
};

TEST_F(StateRoundTrip, ARestoredHostLooksLikeTheOriginal) {
  auto original = start("original");
  ASSERT_EQ(call(*original, verb::post, "/v1.47/networks/create", R"({"Name":"backend"})").status, 201u);
  run(*original, "first", json::object());  // 172.17.0.2, stopped below so web gets .3
  run(*original, "web", {{"PortBindings", {{"80/tcp", {{{"HostPort", ""}}}}}}});  // an ephemeral host port
  run(*original, "api", {{"NetworkMode", "backend"}});
  run(*original, "job", json::object());
  ASSERT_EQ(call(*original, verb::post, "/_fake/containers/job/exit?code=3").status, 204u);
  ASSERT_EQ(call(*original, verb::post, "/v1.47/containers/first/stop?t=0").status, 204u);

  // What `docker inspect $(docker ps -aq)` prints.
  json snapshot = json::array();
  for (const auto& c : get(*original, "/v1.47/containers/json?all=1"))
    snapshot.push_back(get(*original, "/v1.47/containers/" + c["Id"].get<std::string>() + "/json"));
  auto restored = start("restored", fd::parse_state_snapshot(snapshot.dump(), "snapshot"));
  EXPECT_TRUE(restored->restore_notes().empty());

  for (const auto& before : snapshot) {
    const auto after = get(*restored, "/v1.47/containers/" + before["Id"].get<std::string>() + "/json");
    SCOPED_TRACE(before["Name"].get<std::string>());
    EXPECT_EQ(after["Name"], before["Name"]);
    EXPECT_EQ(after["Created"], before["Created"]);
    EXPECT_EQ(after["State"]["Status"], before["State"]["Status"]);
    EXPECT_EQ(after["State"]["ExitCode"], before["State"]["ExitCode"]);
    EXPECT_EQ(after["State"]["StartedAt"], before["State"]["StartedAt"]);
    EXPECT_EQ(after["Config"]["Env"], before["Config"]["Env"]);
    EXPECT_EQ(after["Config"]["Labels"], before["Config"]["Labels"]);
    EXPECT_EQ(after["HostConfig"]["NetworkMode"], before["HostConfig"]["NetworkMode"]);
    EXPECT_EQ(after["NetworkSettings"]["Ports"], before["NetworkSettings"]["Ports"]);
    for (const auto& [network, endpoint] : before["NetworkSettings"]["Networks"].items())
      EXPECT_EQ(after["NetworkSettings"]["Networks"][network]["IPAddress"], endpoint["IPAddress"]) << network;
  }
  EXPECT_EQ(get(*restored, "/v1.47/containers/json").size(), 2u) << "web and api run";
  EXPECT_EQ(get(*restored, "/v1.47/networks/backend")["Name"], "backend");
  const std::string until = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now().time_since_epoch()).count() + 1);
  EXPECT_EQ(call(*restored, verb::get, "/v1.47/events?since=0&until=" + until).body, "")
      << "a daemon that just started has no history";

  // Addresses and host ports of the running ones are taken: a new container gets fresh ones,
  // and the stopped `first` gets one back when it starts.
  run(*restored, "late", json::object());
  EXPECT_EQ(get(*restored, "/v1.47/containers/late/json")["NetworkSettings"]["Networks"]["bridge"]["IPAddress"],
            "172.17.0.2");
  ASSERT_EQ(call(*restored, verb::post, "/v1.47/containers/first/start").status, 204u);
  EXPECT_EQ(get(*restored, "/v1.47/containers/first/json")["NetworkSettings"]["Networks"]["bridge"]["IPAddress"],
            "172.17.0.4");
  const std::string web_port =
      get(*restored, "/v1.47/containers/web/json")["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"];
  auto clash = call(*restored, verb::post, "/v1.47/containers/create?name=clash",
                    json{{"Image", "web"}, {"HostConfig", {{"PortBindings", {{"80/tcp", {{{"HostPort", web_port}}}}}}}}}.dump());
  ASSERT_EQ(clash.status, 201u);
  auto started = call(*restored, verb::post, "/v1.47/containers/clash/start");
  EXPECT_EQ(started.status, 500u);
  EXPECT_THAT(started.body, HasSubstr("port is already allocated"));
}

TEST_F(StateRoundTrip, ConflictingNamesInASnapshotStopTheStart) {
  fd::RestoredContainer a;
  a.id = std::string(64, 'a');
  a.spec.name = "web";
  a.spec.image = "web";
  fd::RestoredContainer b = a;
  b.id = std::string(64, 'b');
  try {
    start("conflict", {a, b});
    FAIL() << "two containers named /web were restored";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot restore container /web (bbbbbbbbbbbb)"));
    EXPECT_THAT(e.what(), HasSubstr("already in use"));
  }
}

}  // namespace
