// fake-docker's HTTP API, images and networks: user-defined networks and --bridge-subnet.
#include "tests/fakes/docker/api/api_fixture.hpp"

#include <future>

namespace {

using namespace fake_docker_api_test;

TEST_F(FakeDockerApi, ImagesAndNetworks) {
  auto images = json::parse(call(verb::get, "/images/json").body);
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0]["RepoTags"], json({"test:latest"}));
  auto image = json::parse(call(verb::get, "/images/test/json").body);
  EXPECT_EQ(image["Config"]["ExposedPorts"], json({{"443/tcp", json::object()}, {"80/tcp", json::object()}}));
  EXPECT_EQ(call(verb::get, "/images/unknown/json").status, 404u);
  auto networks = json::parse(call(verb::get, "/networks").body);
  ASSERT_EQ(networks.size(), 3u);
  EXPECT_EQ(networks[0]["Name"], "bridge");
  EXPECT_EQ(networks[0]["IPAM"]["Config"][0]["Subnet"], "172.17.0.0/16");
}

// User-defined networks: create, run on one, connect a second container, inspect, events,
// disconnect and remove, with the engine's errors for the mistakes users make.
TEST_F(FakeDockerApi, UserDefinedNetworks) {
  auto created = call(verb::post, "/v1.47/networks/create",
                      R"({"Name":"backend","Driver":"bridge","Labels":{"team":"blue"},"CheckDuplicate":true})");
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::string net_id = json::parse(created.body).at("Id");
  EXPECT_EQ(call(verb::post, "/v1.47/networks/create", R"({"Name":"backend"})").status, 409u);
  EXPECT_EQ(call(verb::post, "/v1.47/networks/create", R"({"Name":"front","Driver":"overlay"})").status, 404u);
  EXPECT_EQ(call(verb::post, "/v1.47/networks/create", R"({"Name":7})").status, 400u);
  EXPECT_EQ(json::parse(call(verb::get, "/v1.47/networks").body).size(), 4u) << "three predefined networks and ours";

  json body = {{"Image", "test"}, {"HostConfig", {{"NetworkMode", "backend"}}}};
  auto api = call(verb::post, "/v1.47/containers/create?name=api", body.dump());
  ASSERT_EQ(api.status, 201u) << api.body;
  const std::string api_id = json::parse(api.body).at("Id");
  ASSERT_EQ(call(verb::post, "/v1.47/containers/api/start").status, 204u);
  auto inspected = json::parse(call(verb::get, "/v1.47/containers/api/json").body);
  const auto& on_backend = inspected["NetworkSettings"]["Networks"]["backend"];
  EXPECT_EQ(on_backend["NetworkID"], net_id);
  EXPECT_EQ(on_backend["Gateway"], "172.18.0.1");
  EXPECT_EQ(on_backend["IPAddress"], "172.18.0.2");
  EXPECT_EQ(on_backend["IPPrefixLen"], 16);
  EXPECT_EQ(inspected["NetworkSettings"]["IPAddress"], "") << "the legacy top-level address is the default bridge's";
  EXPECT_EQ(inspected["HostConfig"]["NetworkMode"], "backend");

  // A container on the default bridge joins the network as well: two endpoints, two addresses.
  run_web("web5");
  EXPECT_EQ(call(verb::post, "/v1.47/networks/backend/connect", R"({"Container":"web5"})").status, 200u);
  EXPECT_EQ(call(verb::post, "/v1.47/networks/backend/connect", R"({"Container":"web5"})").status, 403u);
  auto web = json::parse(call(verb::get, "/v1.47/containers/web5/json").body);
  EXPECT_EQ(web["NetworkSettings"]["Networks"]["bridge"]["IPAddress"], "172.17.0.2");
  EXPECT_EQ(web["NetworkSettings"]["Networks"]["backend"]["IPAddress"], "172.18.0.3");
  auto listed = json::parse(call(verb::get, "/v1.47/containers/json?filters=" +
                                                http::percent_encode(R"({"network":["backend"]})"))
                                .body);
  EXPECT_EQ(listed.size(), 2u);
  auto network = json::parse(call(verb::get, "/v1.47/networks/" + net_id.substr(0, 12)).body);
  EXPECT_EQ(network["Name"], "backend");
  EXPECT_EQ(network["Labels"], json({{"team", "blue"}}));
  EXPECT_EQ(network["IPAM"]["Config"][0]["Subnet"], "172.18.0.0/16");
  EXPECT_EQ(network["Containers"][api_id]["IPv4Address"], "172.18.0.2/16");
  EXPECT_EQ(network["Containers"].size(), 2u);

  EXPECT_EQ(call(verb::delete_, "/v1.47/networks/backend").status, 403u) << "active endpoints";
  EXPECT_EQ(call(verb::delete_, "/v1.47/networks/bridge").status, 403u) << "predefined";
  EXPECT_EQ(call(verb::post, "/v1.47/networks/backend/disconnect", R"({"Container":"web5"})").status, 200u);
  EXPECT_EQ(call(verb::post, "/v1.47/networks/backend/disconnect", R"({"Container":"web5"})").status, 403u);
  web = json::parse(call(verb::get, "/v1.47/containers/web5/json").body);
  EXPECT_FALSE(web["NetworkSettings"]["Networks"].contains("backend"));
  EXPECT_EQ(call(verb::post, "/v1.47/networks/nope/connect", R"({"Container":"web5"})").status, 404u);
  EXPECT_EQ(call(verb::post, "/v1.47/networks/backend/connect", R"({"Container":"nope"})").status, 404u);
  EXPECT_EQ(call(verb::post, "/v1.47/networks/backend/connect", "{").status, 400u);

  ASSERT_EQ(call(verb::delete_, "/v1.47/containers/api?force=1").status, 204u);
  EXPECT_EQ(call(verb::delete_, "/v1.47/networks/" + net_id).status, 204u);
  EXPECT_EQ(call(verb::get, "/v1.47/networks/backend").status, 404u);
  EXPECT_EQ(json::parse(call(verb::get, "/v1.47/networks/backend").body)["message"], "network backend not found");

  // The events a real engine emits for all this.
  auto events = json_lines(call(verb::get, "/v1.47/events?since=0&until=" + now_seconds_text() +
                                                 "&filters=" + http::percent_encode(R"({"type":["network"]})"))
                               .body);
  std::vector<std::string> actions;
  for (const auto& e : events) actions.push_back(e["Action"].get<std::string>() + " " + e["Actor"]["Attributes"].value("name", "") +
                                                 (e["Actor"]["Attributes"].contains("container") ? " c" : ""));
  // web5's explicit disconnect while running is reported twice, as dockerd 20.10 does.
  EXPECT_EQ(actions, (std::vector<std::string>{"create backend", "connect backend c", "connect bridge c",
                                               "connect backend c", "disconnect backend c", "disconnect backend c",
                                               "disconnect backend c",
                                               "destroy backend"}));
}

// Endpoint config at create and connect: aliases as submitted (with the short ID appended below
// API 1.45), DNS names, disconnect and connect of a container that never ran (docker-compose's
// create, disconnect, connect-with-aliases), and the engine's refusals.
TEST_F(FakeDockerApi, EndpointAliasesAndNotRunningContainers) {
  ASSERT_EQ(call(verb::post, "/v1.47/networks/create", R"({"Name":"front"})").status, 201u);
  ASSERT_EQ(call(verb::post, "/v1.47/networks/create", R"({"Name":"back"})").status, 201u);
  json body = {{"Image", "test"},
               {"HostConfig", {{"NetworkMode", "front"}}},
               {"NetworkingConfig", {{"EndpointsConfig", {{"front", {{"Aliases", {"web"}}, {"IPAMConfig", json::object()}}}}}}}};
  auto created = call(verb::post, "/v1.47/containers/create?name=hc_web_1", body.dump());
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::string short_id = json::parse(created.body).at("Id").get<std::string>().substr(0, 12);
  auto endpoint = [&](const std::string& version, const std::string& network) {
    return json::parse(call(verb::get, "/" + version + "/containers/hc_web_1/json").body)["NetworkSettings"]["Networks"].value(network, json());
  };
  EXPECT_EQ(endpoint("v1.47", "front")["Aliases"], json({"web"})) << "as submitted from API 1.45";
  EXPECT_EQ(endpoint("v1.41", "front")["Aliases"], json({"web", short_id})) << "the short ID appended below 1.45";
  EXPECT_EQ(endpoint("v1.47", "front")["DNSNames"], json({"hc_web_1", "web", short_id}));

  // Not running: disconnect takes the network out of its settings, connect puts it back.
  ASSERT_EQ(call(verb::post, "/v1.47/networks/front/disconnect", R"({"Container":"hc_web_1"})").status, 200u);
  EXPECT_TRUE(endpoint("v1.47", "front").is_null());
  auto not_on = call(verb::post, "/v1.47/networks/front/disconnect", R"({"Container":"hc_web_1"})");
  EXPECT_EQ(not_on.status, 403u);
  EXPECT_NE(not_on.body.find("is not connected to the network front"), std::string::npos) << not_on.body;
  auto rejoined = call(verb::post, "/v1.47/networks/front/connect",
                       json({{"Container", "hc_web_1"}, {"EndpointConfig", {{"Aliases", {"web", short_id}}}}}).dump());
  ASSERT_EQ(rejoined.status, 200u) << rejoined.body;
  EXPECT_EQ(endpoint("v1.47", "front")["Aliases"], json({"web", short_id}));
  ASSERT_EQ(call(verb::post, "/v1.47/networks/back/connect",
                 json({{"Container", "hc_web_1"}, {"EndpointConfig", {{"Aliases", {"web-back"}}}}}).dump())
                .status,
            200u);
  EXPECT_EQ(call(verb::post, "/v1.47/networks/back/connect", R"({"Container":"hc_web_1"})").status, 200u)
      << "already in a stopped container's config: success, nothing changes";
  EXPECT_EQ(endpoint("v1.47", "back")["Aliases"], json({"web-back"}));
  ASSERT_EQ(call(verb::post, "/v1.47/containers/hc_web_1/start").status, 204u);
  EXPECT_EQ(endpoint("v1.47", "front")["IPAddress"], "172.18.0.2");
  EXPECT_EQ(endpoint("v1.47", "back")["IPAddress"], "172.19.0.2");

  // The engine's refusals, and nothing created by them.
  auto bridge_alias = call(verb::post, "/v1.47/containers/create?name=x1",
                           json({{"Image", "test"}, {"NetworkingConfig", {{"EndpointsConfig", {{"bridge", {{"Aliases", {"a"}}}}}}}}}).dump());
  EXPECT_EQ(bridge_alias.status, 400u);
  EXPECT_EQ(json::parse(bridge_alias.body)["message"],
            "network-scoped alias is supported only for containers in user defined networks");
  json two = {{"Image", "test"},
              {"HostConfig", {{"NetworkMode", "front"}}},
              {"NetworkingConfig", {{"EndpointsConfig", {{"front", json::object()}, {"back", json::object()}}}}}};
  auto old_api = call(verb::post, "/v1.41/containers/create?name=x2", two.dump());
  EXPECT_EQ(old_api.status, 400u);
  EXPECT_EQ(json::parse(old_api.body)["message"], "Container cannot be connected to network endpoints: back, front");
  auto links = call(verb::post, "/v1.47/networks/back/connect",
                    R"({"Container":"hc_web_1","EndpointConfig":{"Links":["db:db"]}})");
  EXPECT_EQ(links.status, 400u) << "links are refused, not ignored";
  EXPECT_EQ(call(verb::get, "/v1.47/containers/x1/json").status, 404u);
  EXPECT_EQ(call(verb::get, "/v1.47/containers/x2/json").status, 404u);
  // From API 1.44 a create may join several networks.
  ASSERT_EQ(call(verb::post, "/v1.47/containers/create?name=x3", two.dump()).status, 201u);
  auto x3 = json::parse(call(verb::get, "/v1.47/containers/x3/json").body)["NetworkSettings"]["Networks"];
  EXPECT_TRUE(x3.contains("front") && x3.contains("back")) << x3.dump();

  // The not-running container's disconnect is one event, its connects none (it joins at start).
  auto events = json_lines(call(verb::get, "/v1.47/events?since=0&until=" + now_seconds_text() +
                                                 "&filters=" + http::percent_encode(R"({"type":["network"]})"))
                               .body);
  std::vector<std::string> actions;
  for (const auto& e : events) actions.push_back(e["Action"].get<std::string>() + " " + e["Actor"]["Attributes"].value("name", ""));
  EXPECT_EQ(actions, (std::vector<std::string>{"create front", "create back", "disconnect front", "connect front",
                                               "connect back"}));
}

// GET /networks filters (docker network ls --filter, docker-compose's label lookups).
TEST_F(FakeDockerApi, NetworkListFilters) {
  ASSERT_EQ(call(verb::post, "/v1.47/networks/create", R"({"Name":"hc_default","Labels":{"com.docker.compose.project":"hc"}})").status, 201u);
  ASSERT_EQ(call(verb::post, "/v1.47/networks/create", R"({"Name":"other"})").status, 201u);
  auto names = [&](const std::string& filters) {
    auto r = call(verb::get, "/v1.47/networks?filters=" + http::percent_encode(filters));
    EXPECT_EQ(r.status, 200u) << r.body;
    std::vector<std::string> out;
    for (const auto& n : json::parse(r.body)) out.push_back(n["Name"]);
    return out;
  };
  EXPECT_EQ(names(R"({"label":["com.docker.compose.project=hc"]})"), std::vector<std::string>{"hc_default"});
  EXPECT_EQ(names(R"({"name":["default"]})"), std::vector<std::string>{"hc_default"}) << "a substring";
  EXPECT_EQ(names(R"({"type":["custom"]})"), (std::vector<std::string>{"hc_default", "other"}));
  EXPECT_EQ(names(R"({"type":["builtin"],"driver":["bridge"]})"), std::vector<std::string>{"bridge"});
  run_web("web5");
  ASSERT_EQ(call(verb::post, "/v1.47/networks/other/connect", R"({"Container":"web5"})").status, 200u);
  EXPECT_EQ(names(R"({"dangling":["true"]})"), std::vector<std::string>{"hc_default"});
  EXPECT_EQ(call(verb::get, "/v1.47/networks?filters=" + http::percent_encode(R"({"colour":["red"]})")).status, 400u);
  EXPECT_EQ(call(verb::get, "/v1.47/networks?filters=" + http::percent_encode(R"({"type":["odd"]})")).status, 400u);
}

// --bridge-subnet: the default bridge on another 172.N.0.0/16, as on a host whose docker0 was
// moved (bip); user networks still get free pools, never the bridge's.
TEST(FakeDockerBridgeSubnet, ContainersAndGatewayFollowIt) {
  auto dir = std::filesystem::temp_directory_path() / ("fake-docker-bip-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  fd::FakeDockerOptions options = fd::parse_cli({"--socket", (dir / "d.sock").string(), "--bridge-subnet",
                                                 "172.18.0.0/16"}).fake;
  fd::FakeDocker fake(std::move(options));
  fake.start();
  auto ep = http::Endpoint::unix_path(fake.socket_path());
  ASSERT_EQ(http::fetch(ep, verb::post, "/v1.47/containers/create?name=web", R"({"Image":"test"})").status, 201u);
  ASSERT_EQ(http::fetch(ep, verb::post, "/v1.47/containers/web/start").status, 204u);
  auto c = json::parse(http::fetch(ep, verb::get, "/v1.47/containers/web/json").body);
  EXPECT_EQ(c["NetworkSettings"]["Networks"]["bridge"]["IPAddress"], "172.18.0.2");
  EXPECT_EQ(c["NetworkSettings"]["Networks"]["bridge"]["Gateway"], "172.18.0.1");
  auto bridge = json::parse(http::fetch(ep, verb::get, "/v1.47/networks/bridge").body);
  EXPECT_EQ(bridge["IPAM"]["Config"][0]["Subnet"], "172.18.0.0/16");
  auto created = http::fetch(ep, verb::post, "/v1.47/networks/create", R"({"Name":"backend"})");
  ASSERT_EQ(created.status, 201u) << created.body;
  auto backend = json::parse(http::fetch(ep, verb::get, "/v1.47/networks/backend").body);
  EXPECT_EQ(backend["IPAM"]["Config"][0]["Subnet"], "172.19.0.0/16") << "the bridge's pool is taken";
  fake.stop();
  std::filesystem::remove_all(dir);
}

TEST(FakeDockerBridgeSubnet, OnlyThe172PoolsAreAccepted) {
  for (const char* bad : {"10.0.0.0/8", "172.15.0.0/16", "172.32.0.0/16", "172.18.0.0/24", "172.x.0.0/16", "172..0.0/16"}) {
    try {
      fd::parse_cli({"--socket", "/tmp/x.sock", "--bridge-subnet", bad});
      ADD_FAILURE() << bad << " was accepted";
    } catch (const fd::UsageError& e) {
      EXPECT_EQ(std::string(e.what()), std::string("invalid value for --bridge-subnet: \"") + bad +
                                           "\" (want 172.N.0.0/16 with N from 16 to 31)");
    }
  }
}

}  // namespace
