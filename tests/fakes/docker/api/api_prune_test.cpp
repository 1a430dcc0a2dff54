// fake-docker's HTTP API, clean-up and disk usage: POST /containers/prune, POST
// /networks/prune (what goes, their filters, the events) and GET /system/df.
#include "tests/fakes/docker/api/api_fixture.hpp"

namespace {

using namespace fake_docker_api_test;

std::vector<std::string> event_actions(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(e["Type"].get<std::string>() + " " + e["Action"].get<std::string>() + " " +
                  e["Actor"]["Attributes"].value("name", e["Actor"]["Attributes"].value("reclaimed", "")));
  return out;
}

// Only containers that do not run go, filtered by label and age; a prune event ends each prune.
TEST_F(FakeDockerApi, ContainerPruneRemovesWhatDoesNotRun) {
  run_web("running", "7001");
  auto create = [&](const std::string& name, const json& labels) {
    auto r = call(verb::post, "/v1.47/containers/create?name=" + name, json({{"Image", "test"}, {"Labels", labels}}).dump());
    EXPECT_EQ(r.status, 201u) << r.body;
    return json::parse(r.body).at("Id").get<std::string>();
  };
  const std::string keep = create("keep", {{"keep", "yes"}});
  const std::string made = create("made", json::object());
  run_web("paused", "7002");
  ASSERT_EQ(call(verb::post, "/v1.47/containers/paused/pause").status, 204u);
  const std::string since = now_seconds_text();

  auto bad = call(verb::post, "/v1.47/containers/prune?filters=" + http::percent_encode(R"({"status":["exited"]})"));
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(json::parse(bad.body)["message"], "invalid filter 'status'");
  auto bad_until = call(verb::post, "/v1.47/containers/prune?filters=" + http::percent_encode(R"({"until":["soon"]})"));
  EXPECT_EQ(bad_until.status, 400u);
  EXPECT_EQ(call(verb::get, "/v1.47/containers/made/json").status, 200u) << "a refused prune removes nothing";
  auto nothing_old = call(verb::post, "/v1.47/containers/prune?filters=" + http::percent_encode(R"({"until":["1h"]})"));
  ASSERT_EQ(nothing_old.status, 200u) << nothing_old.body;
  EXPECT_EQ(json::parse(nothing_old.body), json({{"ContainersDeleted", nullptr}, {"SpaceReclaimed", 0}}));

  auto pruned = call(verb::post, "/v1.47/containers/prune?filters=" + http::percent_encode(R"({"label!":["keep"]})"));
  ASSERT_EQ(pruned.status, 200u) << pruned.body;
  EXPECT_EQ(json::parse(pruned.body), json({{"ContainersDeleted", {made}}, {"SpaceReclaimed", 0}}));
  pruned = call(verb::post, "/v1.47/containers/prune");
  EXPECT_EQ(json::parse(pruned.body)["ContainersDeleted"], json({keep}));
  auto left = json::parse(call(verb::get, "/v1.47/containers/json?all=1").body);
  ASSERT_EQ(left.size(), 2u) << "the running and the paused one stay";

  const auto events = json_lines(call(verb::get, "/v1.41/events?since=" + since + "&until=" + now_seconds_text()).body);
  EXPECT_EQ(event_actions(events), (std::vector<std::string>{"container prune 0", "container destroy made",
                                                             "container prune 0", "container destroy keep",
                                                             "container prune 0"}));
  const json& prune_event = events.back();
  EXPECT_EQ(prune_event["status"], "prune") << "API 1.41's legacy field, without an id or from";
  EXPECT_FALSE(prune_event.contains("id"));
  EXPECT_EQ(prune_event["Actor"], json({{"ID", ""}, {"Attributes", {{"reclaimed", "0"}}}}));
}

// Networks no running container is on go (a stopped container's config does not hold one).
TEST_F(FakeDockerApi, NetworkPruneRemovesUnusedUserNetworks) {
  for (const char* name : {"busy", "idle", "labelled"})
    ASSERT_EQ(call(verb::post, "/v1.47/networks/create",
                   json({{"Name", name}, {"Labels", std::string(name) == "labelled" ? json({{"keep", "1"}}) : json::object()}}).dump())
                  .status,
              201u);
  run_web("web", "7003");
  ASSERT_EQ(call(verb::post, "/v1.47/networks/busy/connect", R"({"Container":"web"})").status, 200u);
  ASSERT_EQ(call(verb::post, "/v1.47/containers/create?name=stopped",
                 json({{"Image", "test"}, {"HostConfig", {{"NetworkMode", "idle"}}}}).dump())
                .status,
            201u);
  auto pruned = call(verb::post, "/v1.47/networks/prune?filters=" + http::percent_encode(R"({"label!":["keep"]})"));
  ASSERT_EQ(pruned.status, 200u) << pruned.body;
  EXPECT_EQ(json::parse(pruned.body), json({{"NetworksDeleted", {"idle"}}}));
  pruned = call(verb::post, "/v1.47/networks/prune");
  EXPECT_EQ(json::parse(pruned.body), json({{"NetworksDeleted", {"labelled"}}}));
  pruned = call(verb::post, "/v1.47/networks/prune");
  EXPECT_EQ(json::parse(pruned.body), json({{"NetworksDeleted", nullptr}}));
  std::vector<std::string> names;
  for (const auto& n : json::parse(call(verb::get, "/v1.47/networks").body)) names.push_back(n["Name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"bridge", "host", "none", "busy"}));
  EXPECT_EQ(call(verb::post, "/v1.47/networks/prune?filters=" + http::percent_encode(R"({"driver":["bridge"]})")).status, 400u);
}

// /system/df: containers with their sizes, images with how many containers use them, nothing
// on disk; API 1.52 adds the per-type summaries.
TEST_F(FakeDockerApiNewest, SystemDiskUsage) {
  run_web("web", "7004");
  ASSERT_EQ(call(verb::post, "/v1.47/containers/create?name=other", R"({"Image":"busybox"})").status, 201u);
  auto df = call(verb::get, "/v1.41/system/df");
  ASSERT_EQ(df.status, 200u) << df.body;
  const json usage = json::parse(df.body);
  EXPECT_EQ(usage["LayersSize"], 0);
  ASSERT_EQ(usage["Images"].size(), 1u);
  EXPECT_EQ(usage["Images"][0]["RepoTags"], json({"test:latest"}));
  EXPECT_EQ(usage["Images"][0]["Containers"], 1) << "web runs it";
  ASSERT_EQ(usage["Containers"].size(), 2u);
  EXPECT_EQ(usage["Containers"][0]["SizeRw"], 0);
  EXPECT_EQ(usage["Volumes"], json::array());
  EXPECT_EQ(usage["BuildCache"], json::array());
  EXPECT_FALSE(usage.contains("ContainerUsage"));

  const json now = json::parse(call(verb::get, "/v1.52/system/df?type=container").body);
  EXPECT_FALSE(now.contains("Images")) << now.dump();
  EXPECT_EQ(now["ContainerUsage"], json({{"ActiveCount", 1}, {"TotalCount", 2}, {"Reclaimable", 0}, {"TotalSize", 0}}));
  EXPECT_EQ(call(verb::get, "/v1.47/system/df?type=disk").status, 400u);
  EXPECT_EQ(call(verb::get, "/v1.52/system/df?verbose=1").status, 400u) << "not implemented: refused, not ignored";
}

}  // namespace

namespace {

using namespace fake_docker_api_test;

std::string prune_until(const std::string& value) {
  return "/v1.47/containers/prune?filters=" + http::percent_encode(json{{"until", {value}}}.dump());
}

// `until` as the engine reads it (timestamp.Parse): RFC 3339 dates and times, Unix seconds and Go
// durations; a bad value is the engine's 400 and removes nothing.
TEST_F(FakeDockerApi, PruneUntilTakesRfc3339UnixSecondsAndDurations) {
  auto created = call(verb::post, "/v1.47/containers/create?name=old", R"({"Image": "test"})");
  ASSERT_EQ(created.status, 201u);
  const std::string id = json::parse(created.body)["Id"];
  const std::string created_at = json::parse(call(verb::get, "/v1.47/containers/old/json").body)["Created"];

  for (const std::string before : {"2026-01-02T15:04:05Z", "2000-01-01", "946684800", "2000-01-01T00:00:00.5+01:00"}) {
    auto kept = call(verb::post, prune_until(before));
    ASSERT_EQ(kept.status, 200u) << before << ": " << kept.body;
    EXPECT_TRUE(json::parse(kept.body)["ContainersDeleted"].is_null()) << before << " is before " << created_at;
  }
  for (const std::string bad : {"soon", "2026-13-02T15:04:05Z", "-5"}) {
    auto refused = call(verb::post, prune_until(bad));
    EXPECT_EQ(refused.status, 400u) << bad;
  }
  EXPECT_EQ(json::parse(call(verb::post, prune_until("soon")).body)["message"],
            "failed to parse value as time or duration: invalid seconds \"soon\": invalid syntax");
  EXPECT_EQ(json::parse(call(verb::post, prune_until("2026-13-02T15:04:05Z")).body)["message"],
            "parsing time \"2026-13-02T15:04:05Z\": month out of range");
  EXPECT_EQ(call(verb::get, "/v1.47/containers/old/json").status, 200u) << "refused prunes removed nothing";

  auto pruned = call(verb::post, prune_until("2999-01-01T00:00:00Z"));
  ASSERT_EQ(pruned.status, 200u) << pruned.body;
  EXPECT_EQ(json::parse(pruned.body)["ContainersDeleted"], json({id}));
}

}  // namespace
