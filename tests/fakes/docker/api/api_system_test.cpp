// fake-docker's HTTP API, the engine as a whole: ping and version bounds, error texts, injected
// faults, bodies it refuses, the request journal, and what API 1.52 changed.
#include "tests/fakes/docker/api/api_fixture.hpp"

#include <future>

namespace {

using namespace fake_docker_api_test;

TEST_F(FakeDockerApi, PingAdvertisesVersionAndHeadHasNoBody) {
  auto get = call(verb::get, "/_ping");
  EXPECT_EQ(get.status, 200u);
  EXPECT_EQ(get.body, "OK");
  EXPECT_EQ(get.header("api-version"), "1.47");
  EXPECT_EQ(get.header("ostype"), "linux");
  EXPECT_EQ(get.header("docker-experimental"), "false");
  EXPECT_EQ(get.header("cache-control"), "no-cache, no-store, must-revalidate");
  EXPECT_EQ(get.header("pragma"), "no-cache");
  EXPECT_EQ(get.header("server").rfind("Docker/", 0), 0u);
  auto head = call(verb::head, "/_ping");
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.header("content-length"), "0");
}

TEST_F(FakeDockerApi, VersionBoundsUseTheEngineTexts) {
  auto old = call(verb::get, "/v1.12/version");
  EXPECT_EQ(old.status, 400u);
  EXPECT_EQ(json::parse(old.body).at("message"),
            "client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a "
            "newer version");
  auto fresh = call(verb::get, "/v1.99/version");
  EXPECT_EQ(fresh.status, 400u);
  EXPECT_EQ(json::parse(fresh.body).at("message"),
            "client version 1.99 is too new. Maximum supported API version is 1.47");
  auto plain = call(verb::get, "/version");
  EXPECT_EQ(plain.status, 200u);
  auto v = json::parse(plain.body);
  EXPECT_EQ(v.at("ApiVersion"), "1.47");
  EXPECT_EQ(v.at("MinAPIVersion"), "1.24");
  EXPECT_EQ(call(verb::get, "/v1.24/info").status, 200u);
  auto missing = call(verb::get, "/v1.47/nothing/here");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(json::parse(missing.body).at("message"), "page not found");
}

TEST_F(FakeDockerApi, ErrorsUseEngineStatusesAndTexts) {
  auto missing = call(verb::get, "/v1.47/containers/c2ada9df5af8/json");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.header("content-type"), "application/json");
  EXPECT_EQ(json::parse(missing.body).at("message"), "No such container: c2ada9df5af8");
  const std::string id = run_web();
  auto conflict = call(verb::post, "/v1.47/containers/create?name=web5", R"({"Image":"test"})");
  EXPECT_EQ(conflict.status, 409u);
  EXPECT_EQ(json::parse(conflict.body).at("message"),
            "Conflict. The container name \"/web5\" is already in use by container \"" + id +
                "\". You have to remove (or rename) that container to be able to reuse that name.");
  EXPECT_EQ(call(verb::post, "/v1.47/containers/web5/start").status, 304u);
  auto rm = call(verb::delete_, "/v1.47/containers/web5");
  EXPECT_EQ(rm.status, 409u);
  EXPECT_EQ(call(verb::delete_, "/v1.47/containers/web5?force=1").status, 204u);
  EXPECT_EQ(call(verb::get, "/v1.47/containers/web5/json").status, 404u);
}

// Injected faults: engine-style errors, dropped connections and added latency on matching
// paths, with or without the /vX.Y prefix; a bad rule is a 400 naming the field.
TEST_F(FakeDockerApi, InjectedFaultsFailDropOrDelayMatchingRequests) {
  run_web();
  auto added = call(verb::post, "/_fake/faults",
                    R"({"method":"GET","path":"/containers/web5/json","status":500,"body":"boom","count":2})");
  ASSERT_EQ(added.status, 204u) << added.body;
  for (const char* target : {"/v1.47/containers/web5/json", "/containers/web5/json"}) {
    const auto failed = call(verb::get, target);
    EXPECT_EQ(failed.status, 500u) << target;
    EXPECT_EQ(json::parse(failed.body).at("message"), "boom") << target;
  }
  EXPECT_EQ(call(verb::get, "/v1.47/containers/web5/json").status, 200u) << "count 2: the third is served";

  ASSERT_EQ(call(verb::post, "/_fake/faults", R"({"path":"/containers/json","action":"drop"})").status, 204u);
  EXPECT_THROW(call(verb::get, "/v1.47/containers/json"), http::ClientError);
  EXPECT_EQ(call(verb::get, "/v1.47/images/json").status, 200u) << "other paths are untouched";
  ASSERT_EQ(call(verb::delete_, "/_fake/faults").status, 204u);
  EXPECT_EQ(call(verb::get, "/v1.47/containers/json").status, 200u);

  ASSERT_EQ(call(verb::post, "/_fake/faults", R"({"path":"/containers/","action":"delay","delay_ms":300,"count":1})").status,
            204u);
  const auto started = std::chrono::steady_clock::now();
  const auto late = call(verb::get, "/v1.47/containers/web5/json");
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(300));
  EXPECT_EQ(late.status, 200u);
  EXPECT_EQ(json::parse(late.body).at("Name"), "/web5");

  // A spared User-Agent (regsim's own requests) is never faulted.
  ASSERT_EQ(call(verb::post, "/_fake/faults", R"({"path":"/containers/","spare_user_agent":"regsim"})").status, 204u);
  EXPECT_EQ(http::fetch(endpoint(), verb::get, "/v1.47/containers/web5/json", {}, {{"User-Agent", "Docker-Client/28.0"}})
                .status,
            500u);
  EXPECT_EQ(http::fetch(endpoint(), verb::get, "/v1.47/containers/web5/json", {}, {{"User-Agent", "regsim"}}).status,
            200u);
  ASSERT_EQ(call(verb::delete_, "/_fake/faults").status, 204u);

  const auto bad = call(verb::post, "/_fake/faults", R"({"path":"/containers/","action":"explode"})");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(json::parse(bad.body).at("message"),
            "control API: bad fault: fault.action must be respond, drop, hang or delay, not \"explode\"");
  EXPECT_EQ(json::parse(call(verb::post, "/_fake/faults", R"({"paht":"/x"})").body).at("message"),
            "control API: bad fault: fault.paht is not a fault field");
}

TEST_F(FakeDockerApi, MalformedAndOversizedBodiesChangeNothing) {
  auto bad = call(verb::post, "/v1.47/containers/create?name=x1", "{\"Image\": ");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(json::parse(bad.body).at("message").get<std::string>().find("invalid JSON"), std::string::npos);
  auto wrong_type = call(verb::post, "/v1.47/containers/create?name=x1", R"({"Image":"test","Env":"A=1"})");
  EXPECT_EQ(wrong_type.status, 400u);
  EXPECT_NE(json::parse(wrong_type.body).at("message").get<std::string>().find("Env"), std::string::npos);
  auto huge = call(verb::post, "/v1.47/containers/create?name=x1", std::string(100 * 1024, ' '));
  EXPECT_EQ(huge.status, 413u);
  EXPECT_TRUE(json::parse(huge.body).contains("message"));
  auto list = call(verb::get, "/v1.47/containers/json?all=1");
  EXPECT_EQ(json::parse(list.body).size(), 0u);
  auto bad_filter = call(verb::get, "/v1.47/containers/json?filters=%7Bnope");
  EXPECT_EQ(bad_filter.status, 400u);
}

TEST_F(FakeDockerShortJournal, RequestJournalKeepsTheLatestRequestsOnly) {
  // A fake serving a long simulation must not keep every request it ever got (3 million
  // inspects held 750 MB before the journal was bounded).
  for (int i = 1; i <= 8; ++i) EXPECT_EQ(call(verb::get, "/v1.47/containers/json?limit=" + std::to_string(i)).status, 200u);
  std::vector<std::string> targets;
  for (const auto& r : fake_->request_log()) targets.push_back(r.target);
  EXPECT_EQ(targets, (std::vector<std::string>{"/v1.47/containers/json?limit=4", "/v1.47/containers/json?limit=5",
                                               "/v1.47/containers/json?limit=6", "/v1.47/containers/json?limit=7",
                                               "/v1.47/containers/json?limit=8"}));
  auto over_http = json::parse(call(verb::get, "/_fake/requests").body);
  ASSERT_EQ(over_http.size(), 5u);
  EXPECT_EQ(over_http.front()["target"], "/v1.47/containers/json?limit=4");
  EXPECT_EQ(over_http.back()["target"], "/v1.47/containers/json?limit=8");
}

// A second server advertising 1.52, to check what changed there.
TEST(FakeDockerApi152, DropsLegacyFieldsAndUsesJsonLines) {
  auto dir = std::filesystem::temp_directory_path() / ("fake-docker-152-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  fd::FakeDockerOptions options;
  options.socket_path = (dir / "d.sock").string();
  options.api_version = {1, 52};
  fd::FakeDocker fake(std::move(options));
  fake.start();
  auto ep = http::Endpoint::unix_path(fake.socket_path());
  auto created = http::fetch(ep, verb::post, "/v1.52/containers/create?name=web", R"({"Image":"test"})");
  ASSERT_EQ(created.status, 201u);
  ASSERT_EQ(http::fetch(ep, verb::post, "/v1.52/containers/web/start").status, 204u);
  auto c = json::parse(http::fetch(ep, verb::get, "/v1.52/containers/web/json").body);
  EXPECT_FALSE(c["NetworkSettings"].contains("IPAddress"));
  EXPECT_EQ(c["NetworkSettings"]["Networks"]["bridge"]["IPAddress"], "172.17.0.2");
  auto old = json::parse(http::fetch(ep, verb::get, "/v1.51/containers/web/json").body);
  EXPECT_EQ(old["NetworkSettings"]["IPAddress"], "172.17.0.2");
  auto events = http::fetch(ep, verb::get, "/v1.52/events?since=0&until=" + now_seconds_text());
  EXPECT_EQ(events.header("content-type"), "application/jsonl");
  auto first = json_lines(events.body).at(0);
  EXPECT_FALSE(first.contains("status"));
  EXPECT_EQ(first["Action"], "create");
  fake.stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
