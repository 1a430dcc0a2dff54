// fake-docker's HTTP API, a container's process I/O: exec (create, start on a hijacked
// connection, inspect, resize), logs (streams, tail, since/until, timestamps, follow) and attach,
// all from the image's FakeProcess script and the /_fake/ control routes.
#include "tests/fakes/docker/api/api_fixture.hpp"

#include "fakes/docker/api/stream_framing.hpp"

#include <future>

namespace {

using namespace fake_docker_api_test;

// A hijacking client: sends the request, reads the head up to the blank line, then every byte
// until the server closes the connection (bounded by a receive timeout).
struct Hijacked {
  std::string head, body;
};

Hijacked hijack(const std::string& socket, const std::string& target, const std::string& body) {
  Hijacked out;
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return out;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string request = "POST " + target + " HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n" +
                              "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + body;
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string all;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) all.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  const auto end = all.find("\r\n\r\n");
  if (end == std::string::npos) return {all, ""};
  return {all.substr(0, end + 4), all.substr(end + 4)};
}

std::string frames_text(const std::string& body) {
  auto frames = fd::parse_frames(body);
  if (!frames) return "<not stdcopy frames>";
  std::string out;
  for (const auto& f : *frames) out += (f.stream == 1 ? "out:" : f.stream == 2 ? "err:" : "?:") + f.payload;
  return out;
}

class FakeDockerProcessIo : public FakeDockerApi {
 protected:
  void SetUp() override {
    FakeDockerApi::SetUp();
    fake_.reset();
    fd::FakeDockerOptions options;
    options.socket_path = (dir_ / "docker.sock").string();
    options.seed = 42;
    options.images = fd::ImageCatalog::from_json(R"({"scripted": {"FakeProcess": {
      "Logs": ["starting", {"stderr": "no config"}, "listening on :80"],
      "Exec": {"cat /etc/motd": {"Stdout": "hello\n", "Stderr": "warn\n", "ExitCode": 0},
               "sh -c exit 3": {"Stderr": "bye\n", "ExitCode": 3}}}}})");
    fake_ = std::make_unique<fd::FakeDocker>(std::move(options));
    fake_->start();
  }
  std::string run_scripted(const std::string& name) {
    auto created = call(verb::post, "/v1.47/containers/create?name=" + name, R"({"Image": "scripted"})");
    EXPECT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(call(verb::post, "/v1.47/containers/" + name + "/start").status, 204u);
    return json::parse(created.body).at("Id");
  }
  std::string exec_create(const std::string& container, const json& body) {
    auto created = call(verb::post, "/v1.47/containers/" + container + "/exec", body.dump());
    EXPECT_EQ(created.status, 201u) << created.body;
    return created.status == 201 ? json::parse(created.body).at("Id").get<std::string>() : "";
  }
};

TEST_F(FakeDockerProcessIo, ExecAnswersFromTheScriptInStdcopyFrames) {
  const std::string id = run_scripted("web");
  const std::string exec = exec_create("web", {{"Cmd", {"cat", "/etc/motd"}}, {"AttachStdout", true}, {"AttachStderr", true}});
  auto before = json::parse(call(verb::get, "/v1.47/exec/" + exec + "/json").body);
  EXPECT_TRUE(before["ExitCode"].is_null()) << "not run yet";
  EXPECT_EQ(before["ContainerID"], id);
  EXPECT_EQ(before["ProcessConfig"]["entrypoint"], "cat");
  EXPECT_EQ(before["ProcessConfig"]["arguments"], json::array({"/etc/motd"}));

  auto started = hijack(fake_->socket_path(), "/v1.47/exec/" + exec + "/start", R"({"Detach": false, "Tty": false})");
  EXPECT_EQ(started.head.rfind("HTTP/1.1 101 UPGRADED\r\n", 0), 0u) << started.head;
  EXPECT_NE(started.head.find("Content-Type: application/vnd.docker.multiplexed-stream\r\n"), std::string::npos);
  EXPECT_EQ(frames_text(started.body), "out:hello\nerr:warn\n");
  auto after = json::parse(call(verb::get, "/v1.47/exec/" + exec + "/json").body);
  EXPECT_EQ(after["ExitCode"], 0);
  EXPECT_EQ(after["Running"], false);
  EXPECT_GT(after["Pid"].get<int>(), 0);
  auto again = call(verb::post, "/v1.47/exec/" + exec + "/start", R"({"Detach": true})");
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(json::parse(again.body)["message"], "exec command " + exec + " has already run");

  // Only the streams the exec attached; a TTY makes the stream raw.
  const std::string quiet = exec_create("web", {{"Cmd", {"sh", "-c", "exit 3"}}, {"AttachStdout", true}});
  EXPECT_EQ(frames_text(hijack(fake_->socket_path(), "/v1.47/exec/" + quiet + "/start", "{}").body), "");
  EXPECT_EQ(json::parse(call(verb::get, "/v1.47/exec/" + quiet + "/json").body)["ExitCode"], 3);
  const std::string tty = exec_create("web", {{"Cmd", {"echo", "a", "b"}}, {"AttachStdout", true}, {"Tty", true}});
  auto raw = hijack(fake_->socket_path(), "/v1.47/exec/" + tty + "/start", R"({"Tty": true})");
  EXPECT_NE(raw.head.find("application/vnd.docker.raw-stream"), std::string::npos);
  EXPECT_EQ(raw.body, "a b\n");
}

TEST_F(FakeDockerProcessIo, UnscriptedExecIsTheEnginesNotFoundWithExitCode126BeforeDocker28) {
  run_scripted("web");
  const std::string exec = exec_create("web", {{"Cmd", {"nosuch", "-x"}}, {"AttachStdout", true}});
  auto started = hijack(fake_->socket_path(), "/v1.47/exec/" + exec + "/start", "{}");
  EXPECT_EQ(frames_text(started.body),
            "out:OCI runtime exec failed: exec failed: unable to start container process: exec: \"nosuch\": "
            "executable file not found in $PATH: unknown\r\n");
  EXPECT_EQ(json::parse(call(verb::get, "/v1.47/exec/" + exec + "/json").body)["ExitCode"], 126)
      << "an engine of API 1.47 (Docker 27, and 20.10 side by side) reports 126";
  const std::string path = exec_create("web", {{"Cmd", {"/bin/nosuch"}}});
  auto detached = call(verb::post, "/v1.47/exec/" + path + "/start", R"({"Detach": true})");
  EXPECT_EQ(detached.status, 400u);
  EXPECT_EQ(json::parse(detached.body)["message"],
            "OCI runtime exec failed: exec failed: unable to start container process: exec: \"/bin/nosuch\": stat "
            "/bin/nosuch: no such file or directory: unknown");

  EXPECT_EQ(call(verb::post, "/v1.47/containers/web/exec", R"({"Cmd": []})").status, 400u);
  EXPECT_EQ(json::parse(call(verb::post, "/v1.47/containers/web/exec", "{}").body)["message"], "No exec command specified");
  EXPECT_EQ(call(verb::get, "/v1.47/exec/nope/json").status, 404u);
  EXPECT_EQ(json::parse(call(verb::get, "/v1.47/exec/nope/json").body)["message"], "No such exec instance: nope");
  const std::string resizable = exec_create("web", {{"Cmd", {"true"}}});
  EXPECT_EQ(call(verb::post, "/v1.47/exec/" + resizable + "/resize?h=40&w=120").status, 200u);
  auto bad_resize = call(verb::post, "/v1.47/exec/" + resizable + "/resize?h=tall&w=120");
  EXPECT_EQ(bad_resize.status, 400u);
  EXPECT_EQ(json::parse(bad_resize.body)["message"],
            "invalid resize height \"tall\": strconv.ParseUint: parsing \"tall\": invalid syntax");

  ASSERT_EQ(call(verb::post, "/v1.47/containers/web/pause").status, 204u);
  auto paused = call(verb::post, "/v1.47/containers/web/exec", R"({"Cmd": ["true"]})");
  EXPECT_EQ(paused.status, 409u);
  ASSERT_EQ(call(verb::post, "/v1.47/containers/web/unpause").status, 204u);
  ASSERT_EQ(call(verb::post, "/v1.47/containers/web/stop?t=1").status, 204u);
  auto stopped = call(verb::post, "/v1.47/containers/web/exec", R"({"Cmd": ["true"]})");
  EXPECT_EQ(stopped.status, 409u) << "the engine's answer for a container that does not run";
  EXPECT_EQ(call(verb::post, "/v1.47/exec/" + resizable + "/start", R"({"Detach": true})").status, 409u);
}

// From Docker 28 (API 1.48; moby c866a7e5) the 127 the runtime error calls for is kept.
TEST_F(FakeDockerProcessIo, UnscriptedExecIs127FromDocker28) {
  fake_.reset();
  fd::FakeDockerOptions options;
  options.socket_path = (dir_ / "docker.sock").string();
  options.api_version = fd::ApiVersion{1, 52};
  fake_ = std::make_unique<fd::FakeDocker>(std::move(options));
  fake_->start();
  ASSERT_EQ(call(verb::post, "/v1.52/containers/create?name=web", R"({"Image": "any"})").status, 201u);
  ASSERT_EQ(call(verb::post, "/v1.52/containers/web/start").status, 204u);
  const std::string exec = exec_create("web", {{"Cmd", {"nosuch"}}, {"AttachStdout", true}});
  hijack(fake_->socket_path(), "/v1.52/exec/" + exec + "/start", "{}");
  EXPECT_EQ(json::parse(call(verb::get, "/v1.52/exec/" + exec + "/json").body)["ExitCode"], 127);
}

TEST_F(FakeDockerProcessIo, LogsSelectStreamsTailTimesAndFrameEachLine) {
  run_scripted("web");
  auto all = call(verb::get, "/v1.47/containers/web/logs?stdout=1&stderr=1");
  EXPECT_EQ(all.status, 200u);
  EXPECT_EQ(frames_text(all.body), "out:starting\nerr:no config\nout:listening on :80\n");
  EXPECT_EQ(frames_text(call(verb::get, "/v1.47/containers/web/logs?stderr=1").body), "err:no config\n");
  EXPECT_EQ(frames_text(call(verb::get, "/v1.47/containers/web/logs?stdout=1&stderr=1&tail=2").body),
            "err:no config\nout:listening on :80\n");
  EXPECT_EQ(frames_text(call(verb::get, "/v1.47/containers/web/logs?stdout=1&tail=0").body), "");
  EXPECT_EQ(frames_text(call(verb::get, "/v1.47/containers/web/logs?stdout=1&tail=all").body),
            "out:starting\nout:listening on :80\n");
  const auto stamped = frames_text(call(verb::get, "/v1.47/containers/web/logs?stdout=1&timestamps=1&tail=1").body);
  ASSERT_EQ(stamped.size(), std::string("out:2026-01-02T15:04:05.123456789Z listening on :80\n").size()) << stamped;
  EXPECT_EQ(stamped.substr(33, 2), "Z ") << stamped;

  ASSERT_EQ(call(verb::post, "/_fake/containers/web/logs?stream=stdout", "later").status, 204u);
  const std::string now = now_seconds_text(-0.000001);
  EXPECT_EQ(frames_text(call(verb::get, "/v1.47/containers/web/logs?stdout=1&until=" + now).body),
            "out:starting\nout:listening on :80\nout:later\n");
  EXPECT_EQ(frames_text(call(verb::get, "/v1.47/containers/web/logs?stdout=1&since=" + now_seconds_text(3600)).body), "");
  auto bad_since = call(verb::get, "/v1.47/containers/web/logs?stdout=1&since=yesterday");
  EXPECT_EQ(bad_since.status, 400u);
  EXPECT_NE(json::parse(bad_since.body)["message"].get<std::string>().find("invalid value for \"since\""), std::string::npos);
  auto no_stream = call(verb::get, "/v1.47/containers/web/logs");
  EXPECT_EQ(no_stream.status, 400u);
  EXPECT_EQ(json::parse(no_stream.body)["message"], "Bad parameters: you must choose at least one stream");
  EXPECT_EQ(call(verb::get, "/v1.47/containers/nope/logs?stdout=1").status, 404u);
  EXPECT_EQ(call(verb::post, "/_fake/containers/web/logs?stream=stdin", "x").status, 400u);
}

TEST_F(FakeDockerProcessIo, FollowedLogsCarryNewLinesAndEndWhenTheContainerStops) {
  run_scripted("web");
  auto followed = std::async(std::launch::async, [&] {
    return call(verb::get, "/v1.47/containers/web/logs?stdout=1&stderr=1&follow=1&tail=1", "", std::chrono::seconds(20));
  });
  ASSERT_TRUE(poll_until([&] { return fake_->output_follower_count() == 1; }));
  fake_->print("web", fd::OutputStream::err, "oops\n");
  ASSERT_EQ(call(verb::post, "/_fake/containers/web/logs?stream=stdout", "a\nb").status, 204u);
  ASSERT_EQ(call(verb::post, "/v1.47/containers/web/stop?t=1").status, 204u);
  ASSERT_EQ(followed.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "follow ends at the stop";
  EXPECT_EQ(frames_text(followed.get().body), "out:listening on :80\nerr:oops\nout:a\nout:b\n");
  EXPECT_EQ(fake_->output_follower_count(), 0u);
  // A stopped container's logs with follow=1 end at once, as the engine's.
  EXPECT_EQ(frames_text(call(verb::get, "/v1.47/containers/web/logs?stdout=1&follow=1&tail=1").body), "out:b\n");
  EXPECT_EQ(call(verb::post, "/_fake/containers/web/logs", "x").status, 409u) << "a stopped process prints nothing";
}

TEST_F(FakeDockerProcessIo, AttachBeforeStartCarriesTheRunToItsEnd) {
  auto created = call(verb::post, "/v1.47/containers/create?name=job", R"({"Image": "scripted"})");
  ASSERT_EQ(created.status, 201u);
  auto attached = std::async(std::launch::async, [&] {
    return hijack(fake_->socket_path(), "/v1.47/containers/job/attach?stream=1&stdout=1&stderr=1", "");
  });
  ASSERT_TRUE(poll_until([&] { return fake_->output_follower_count() == 1; }));
  ASSERT_EQ(call(verb::post, "/v1.47/containers/job/start").status, 204u);
  fake_->exit_container("job", 0);
  ASSERT_EQ(attached.wait_for(std::chrono::seconds(15)), std::future_status::ready);
  const auto result = attached.get();
  EXPECT_EQ(result.head.rfind("HTTP/1.1 101 UPGRADED\r\n", 0), 0u) << result.head;
  EXPECT_EQ(frames_text(result.body), "out:starting\nerr:no config\nout:listening on :80\n");
  // logs=1 without stream replays and ends.
  auto replay = hijack(fake_->socket_path(), "/v1.47/containers/job/attach?logs=1&stdout=1", "");
  EXPECT_EQ(frames_text(replay.body), "out:starting\nout:listening on :80\n");
}

TEST_F(FakeDockerProcessIo, ScriptErrorsNameTheField) {
  EXPECT_THROW(fd::ImageCatalog::from_json(R"({"x": {"FakeProcess": {"Logs": [{"stdin": "a"}]}}})"), fd::ImageCatalogError);
  try {
    fd::ImageCatalog::from_json(R"({"x": {"FakeProcess": {"Exec": {"ls": {"ExitCode": 300}}}}})");
    ADD_FAILURE() << "accepted an exit code of 300";
  } catch (const fd::ImageCatalogError& e) {
    EXPECT_EQ(std::string(e.what()), "image \"x\": FakeProcess.Exec[\"ls\"].ExitCode must be an integer from 0 to 255");
  }
  try {
    fd::ImageCatalog::from_json(R"({"x": {"FakeProcess": {"Log": []}}})");
    ADD_FAILURE() << "accepted an unknown key";
  } catch (const fd::ImageCatalogError& e) {
    EXPECT_EQ(std::string(e.what()), "image \"x\": FakeProcess: unknown key \"Log\" (want Logs, Exec)");
  }
  run_scripted("web");
  EXPECT_EQ(call(verb::post, "/_fake/containers/web/exec", R"({"Cmd": "ls"})").status, 400u);
  EXPECT_EQ(call(verb::post, "/_fake/containers/web/exec", R"({"Cmd": ["ls"], "Stdot": "x"})").status, 400u);
}

}  // namespace
