// fake-docker's HTTP API, in process on a temporary unix socket: the shapes, texts and
// behaviours clients (docker CLI, registrator) depend on.
#include "fakes/common/http/client.hpp"
#include "fakes/docker/cli_options.hpp"
#include "fakes/docker/fake_docker.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

namespace fd = fakes::docker;
namespace http = fakes::http;
using boost::beast::http::verb;
using nlohmann::json;

namespace {

std::string now_seconds_text(double offset = 0) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  ns += static_cast<long long>(offset * 1e9);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%09lld", ns / 1'000'000'000LL, ns % 1'000'000'000LL);
  return buf;
}

template <class Pred>
bool poll_until(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::yield();
  }
  return pred();
}

std::vector<json> json_lines(const std::string& body) {
  std::vector<json> out;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string::npos) nl = body.size();
    if (nl > pos) out.push_back(json::parse(body.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return out;
}

// One kept-alive unix-socket connection, HTTP/1.1 exchanges read by Content-Length: what a
// client like registrator or the docker CLI does (http::fetch closes after each request).
class KeptConnection {
 public:
  explicit KeptConnection(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ADD_FAILURE() << "connect " << path;
  }
  ~KeptConnection() { ::close(fd_); }
  /// Sends `method target` and returns {head, body}.
  std::pair<std::string, std::string> exchange(const std::string& method, const std::string& target) {
    const std::string request = method + " " + target + " HTTP/1.1\r\nHost: docker\r\n\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return {};
    std::size_t end;
    while ((end = buffered_.find("\r\n\r\n")) == std::string::npos)
      if (!read_more()) return {};
    std::string head = buffered_.substr(0, end + 4);
    buffered_.erase(0, end + 4);
    const auto at = head.find("Content-Length: ");
    const std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
    while (buffered_.size() < length)
      if (!read_more()) return {};
    std::string body = buffered_.substr(0, length);
    buffered_.erase(0, length);
    return {head, body};
  }

 private:
  bool read_more() {
    char buf[8192];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffered_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buffered_;
};

class FakeDockerApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fake-docker-api-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    fd::FakeDockerOptions options;
    options.socket_path = (dir_ / "docker.sock").string();
    options.seed = 42;
    options.body_limit = 64 * 1024;
    options.request_log_limit = request_log_limit_;
    options.images = fd::ImageCatalog::from_json(R"({"test": {"ExposedPorts": {"80/tcp": {}, "443/tcp": {}}}})");
    fake_ = std::make_unique<fd::FakeDocker>(std::move(options));
    fake_->start();
  }
  void TearDown() override {
    fake_.reset();
    std::filesystem::remove_all(dir_);
  }
  http::Endpoint endpoint() const { return http::Endpoint::unix_path(fake_->socket_path()); }
  http::ClientResponse call(verb method, const std::string& target, const std::string& body = {},
                            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return http::fetch(endpoint(), method, target, body, {{"Content-Type", "application/json"}}, timeout);
  }
  std::string run_web(const std::string& name = "web5", const std::string& host_port = "7679") {
    json body = {{"Image", "test"},
                 {"Env", {"SERVICE_NAME=valami"}},
                 {"Labels", {{"type", "frontend"}}},
                 {"ExposedPorts", {{"80/tcp", json::object()}}},
                 {"HostConfig", {{"NetworkMode", "default"}, {"PortBindings", {{"80/tcp", {{{"HostIp", ""}, {"HostPort", host_port}}}}}}}}};
    auto created = call(verb::post, "/v1.47/containers/create?name=" + name, body.dump());
    EXPECT_EQ(created.status, 201u) << created.body;
    const std::string id = json::parse(created.body).at("Id");
    auto started = call(verb::post, "/v1.47/containers/" + id + "/start");
    EXPECT_EQ(started.status, 204u) << started.body;
    return id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<fd::FakeDocker> fake_;
  std::size_t request_log_limit_ = 10000;
};

// The same fake with a request journal of 5 entries.
class FakeDockerShortJournal : public FakeDockerApi {
 protected:
  void SetUp() override {
    request_log_limit_ = 5;
    FakeDockerApi::SetUp();
  }
};

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

}  // namespace

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
