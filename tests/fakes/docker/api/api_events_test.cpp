// fake-docker's HTTP API, /events: replay with the legacy fields, live streams until the
// deadline, and streams cut by the control API or a daemon restart.
#include "tests/fakes/docker/api/api_fixture.hpp"

#include <future>

namespace {

using namespace fake_docker_api_test;

TEST_F(FakeDockerApi, EventsReplayWithLegacyFieldsAndClose) {
  const std::string since = now_seconds_text(-1);
  const std::string id = run_web();
  EXPECT_EQ(call(verb::post, "/v1.47/containers/web5/stop").status, 204u);
  EXPECT_EQ(call(verb::delete_, "/v1.47/containers/web5").status, 204u);
  const std::string until = now_seconds_text();

  auto res = call(verb::get, "/v1.47/events?since=" + since + "&until=" + until);
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("content-type"), "application/json");
  EXPECT_EQ(res.header("transfer-encoding"), "chunked");
  std::vector<std::string> actions;
  for (const auto& e : json_lines(res.body)) {
    if (e["Type"] != "container") continue;
    actions.push_back(e["Action"]);
    EXPECT_EQ(e["status"], e["Action"]);  // legacy fields below 1.52
    EXPECT_EQ(e["id"], id);
    EXPECT_EQ(e["from"], "test");
    EXPECT_EQ(e["Actor"]["ID"], id);
    EXPECT_EQ(e["Actor"]["Attributes"]["name"], "web5");
    EXPECT_EQ(e["Actor"]["Attributes"]["type"], "frontend");
    EXPECT_EQ(e["scope"], "local");
    EXPECT_EQ(e["time"].get<long long>(), e["timeNano"].get<long long>() / 1'000'000'000LL);
    if (e["Action"] == "kill") {
      EXPECT_EQ(e["Actor"]["Attributes"]["signal"], "15");
    }
    if (e["Action"] == "die") {
      EXPECT_EQ(e["Actor"]["Attributes"]["exitCode"], "143");
    }
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "start", "kill", "die", "stop", "destroy"}));

  auto filtered = call(verb::get, "/v1.47/events?since=" + since + "&until=" + until + "&filters=" +
                                      http::percent_encode(R"({"type":{"container":true},"event":{"start":true}})"));
  EXPECT_EQ(json_lines(filtered.body).size(), 1u);

  auto backwards = call(verb::get, "/v1.47/events?since=" + until + "&until=" + since);
  EXPECT_EQ(backwards.status, 400u);
  EXPECT_NE(json::parse(backwards.body).at("message").get<std::string>().find("cannot be after `until` time"),
            std::string::npos);
}

TEST_F(FakeDockerApi, EventsStreamLiveUntilTheDeadline) {
  auto stream = std::async(std::launch::async, [&] {
    return call(verb::get, "/v1.47/events?until=" + now_seconds_text(1.5), {}, std::chrono::seconds(10));
  });
  ASSERT_TRUE(poll_until([&] { return fake_->event_stream_count() == 1; }));
  run_web();
  auto res = stream.get();
  std::vector<std::string> actions;
  for (const auto& e : json_lines(res.body))
    if (e["Type"] == "container") actions.push_back(e["Action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "start"}));
}

TEST_F(FakeDockerApi, DroppedStreamsAndDaemonRestart) {
  run_web();
  auto stream = std::async(std::launch::async, [&] {
    try {
      return call(verb::get, "/v1.47/events", {}, std::chrono::seconds(10)).status;
    } catch (const http::ClientError&) {
      return 0u;  // the connection was cut mid-stream, as intended
    }
  });
  ASSERT_TRUE(poll_until([&] { return fake_->event_stream_count() == 1; }));
  fake_->drop_event_streams();
  EXPECT_EQ(stream.get(), 0u);

  fake_->restart_daemon({});
  EXPECT_TRUE(std::filesystem::exists(fake_->socket_path()));
  EXPECT_EQ(call(verb::get, "/_ping").status, 200u);
  auto c = json::parse(call(verb::get, "/containers/web5/json").body);
  EXPECT_EQ(c["State"]["Status"], "exited");  // no live-restore
  auto replay = call(verb::get, "/v1.47/events?since=0&until=" + now_seconds_text());
  EXPECT_EQ(replay.body, "");  // the new daemon has no history
}

}  // namespace
