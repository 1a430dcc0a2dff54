// Bridge and EventPump against a fake DockerClient and a recording RegistryBackend.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <set>

#include "registrator/bridge.hpp"
#include "registrator/event_pump.hpp"
#include "registrator/log.hpp"

using nlohmann::json;
using namespace registrator;

namespace {

std::string cid(char c) { return std::string(64, c); }

json container(const std::string& id, const std::string& name, int host_port) {
  json j;
  j["Id"] = id;
  j["Name"] = "/" + name;
  j["Config"] = {{"Image", "img/" + name + ":1"}, {"Env", json::array()}, {"ExposedPorts", {{"80/tcp", json::object()}}}};
  j["HostConfig"] = {{"NetworkMode", "default"}};
  j["NetworkSettings"] = {
      {"Ports", {{"80/tcp", json::array({{{"HostIp", "0.0.0.0"}, {"HostPort", std::to_string(host_port)}}})}}},
      {"Networks", {{"bridge", {{"IPAddress", "172.17.0.2"}}}}}};
  j["State"] = {{"Running", true}, {"ExitCode", 0}};
  return j;
}

class FakeDocker : public DockerClient {
 public:
  std::map<std::string, json> containers;  // id -> inspect
  std::set<std::string> running;
  bool fail_list = false;

  // Scripted event streams: each call to stream_events plays the next script.
  struct Script {
    std::vector<DockerEvent> events;
    bool connect = true;
    bool hold = false;  // block until cancelled after playing
  };
  std::deque<Script> scripts;
  std::vector<std::optional<std::int64_t>> since_seen;

  std::vector<std::string> list_containers(const std::vector<std::string>&) override {
    std::lock_guard lock(mu_);
    if (fail_list) throw DockerError("docker unix:///fake: HTTP 500: boom");
    return {running.begin(), running.end()};
  }
  std::optional<json> inspect(const std::string& id) override {
    std::lock_guard lock(mu_);
    auto it = containers.find(id);
    if (it == containers.end()) return std::nullopt;
    return it->second;
  }
  std::string stream_events(std::optional<std::int64_t> since, EventSink& sink) override {
    Script s;
    {
      std::unique_lock lock(mu_);
      since_seen.push_back(since);
      if (cancelled_) return "cancelled";
      if (scripts.empty()) {
        s.hold = true;  // behave like an idle, connected stream
      } else {
        s = scripts.front();
        scripts.pop_front();
      }
    }
    if (!s.connect) return "unix:///fake: connect: Connection refused";
    sink.on_connected();
    for (auto& e : s.events) sink.on_event(e);
    if (s.hold) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return cancelled_; });
      return "cancelled";
    }
    return "end of stream";
  }
  void cancel_events() override {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
};

class RecordingRegistry : public RegistryBackend {
 public:
  std::vector<std::string> calls;  // "register <id>", "deregister <id>"
  std::set<std::string> fail_ids;
  std::vector<Service> external;

  void ping() override {}
  void register_service(const Service& s) override {
    calls.push_back("register " + s.id);
    if (fail_ids.count(s.id)) throw RegistryError("consul 127.0.0.1:1: Unexpected response code: 500 (nope)");
  }
  void deregister(const Service& s) override { calls.push_back("deregister " + s.id); }
  void refresh(const Service& s) override { calls.push_back("refresh " + s.id); }
  std::vector<Service> services() override { return external; }
};

struct LogCapture {
  std::vector<std::string> lines;
  std::mutex mu;
  LogCapture() {
    log::set_sink([this](std::string_view l) {
      std::lock_guard lock(mu);
      lines.emplace_back(l);
    });
  }
  ~LogCapture() { log::set_sink({}); }
  bool contains(const std::string& needle) {
    std::lock_guard lock(mu);
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
};

Config config(const std::string& deregister = "always") {
  Config c;
  c.hostname = "node1";
  c.host_ip = "10.0.0.1";
  c.deregister = deregister;
  return c;
}

DockerEvent event(const std::string& action, const std::string& id, std::map<std::string, std::string> attrs = {},
                  std::int64_t time = 0) {
  DockerEvent e;
  e.type = "container";
  e.action = action;
  e.id = id;
  e.attributes = std::move(attrs);
  e.time = time;
  e.time_nano = time * 1'000'000'000;
  return e;
}

}  // namespace

TEST(RegistratorBridge, SyncRegistersRunningContainers) {
  LogCapture logs;
  FakeDocker docker;
  RecordingRegistry reg;
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  docker.containers[cid('b')] = container(cid('b'), "api", 9090);
  docker.running = {cid('a'), cid('b')};
  Bridge bridge(docker, reg, config());
  bridge.sync(false);
  EXPECT_EQ(reg.calls, (std::vector<std::string>{"register node1:web:80", "register node1:api:80"}));
  EXPECT_EQ(bridge.services().size(), 2u);
  EXPECT_TRUE(logs.contains("added: aaaaaaaaaaaa node1:web:80"));
  // A second sync re-registers what it knows, without inspecting again.
  reg.calls.clear();
  bridge.sync(true);
  EXPECT_EQ(reg.calls.size(), 2u);
}

TEST(RegistratorBridge, SyncListFailure) {
  LogCapture logs;
  FakeDocker docker;
  RecordingRegistry reg;
  docker.fail_list = true;
  Bridge bridge(docker, reg, config());
  EXPECT_THROW(bridge.sync(false), DockerError);
  EXPECT_NO_THROW(bridge.sync(true));
  EXPECT_TRUE(logs.contains("error listing containers, skipping sync"));
}

TEST(RegistratorBridge, StartAddsDieRemoves) {
  LogCapture logs;
  FakeDocker docker;
  RecordingRegistry reg;
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  Bridge bridge(docker, reg, config());
  bridge.handle_event(event("start", cid('a')));
  bridge.handle_event(event("start", cid('a')));  // already known: ignored
  bridge.handle_event(event("die", cid('a'), {{"exitCode", "1"}}));
  bridge.handle_event(event("die", cid('a'), {{"exitCode", "1"}}));  // nothing left
  EXPECT_EQ(reg.calls, (std::vector<std::string>{"register node1:web:80", "deregister node1:web:80"}));
  EXPECT_TRUE(bridge.services().empty());
  EXPECT_TRUE(logs.contains("removed: aaaaaaaaaaaa node1:web:80"));
  EXPECT_TRUE(logs.contains("already exists, ignoring"));
}

TEST(RegistratorBridge, OtherActionsAreIgnored) {
  FakeDocker docker;
  RecordingRegistry reg;
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  Bridge bridge(docker, reg, config());
  for (const char* a : {"create", "kill", "stop", "destroy", "health_status: healthy"})
    bridge.handle_event(event(a, cid('a')));
  EXPECT_TRUE(reg.calls.empty());
}

TEST(RegistratorBridge, OnSuccessSemanticsByExitCode) {
  struct Case {
    std::string code;
    bool removed;
  } cases[] = {{"0", true}, {"1", false}, {"137", true}, {"143", true}, {"2", false}};
  for (const auto& c : cases) {
    SCOPED_TRACE("exitCode " + c.code);
    LogCapture logs;
    FakeDocker docker;
    RecordingRegistry reg;
    docker.containers[cid('a')] = container(cid('a'), "web", 8080);
    Bridge bridge(docker, reg, config("on-success"));
    bridge.handle_event(event("start", cid('a')));
    bridge.handle_event(event("die", cid('a'), {{"exitCode", c.code}}));
    bool deregistered = reg.calls.size() == 2 && reg.calls[1] == "deregister node1:web:80";
    EXPECT_EQ(deregistered, c.removed);
    // Either way the container is forgotten, so a restart registers it again (upstream).
    EXPECT_TRUE(bridge.services().empty());
  }
}

TEST(RegistratorBridge, AlwaysDeregistersWhateverTheExitCode) {
  FakeDocker docker;
  RecordingRegistry reg;
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  Bridge bridge(docker, reg, config("always"));
  bridge.handle_event(event("start", cid('a')));
  bridge.handle_event(event("die", cid('a'), {{"exitCode", "1"}}));
  EXPECT_EQ(reg.calls.back(), "deregister node1:web:80");
}

TEST(RegistratorBridge, OnSuccessWithoutExitCodeInspects) {
  LogCapture logs;
  FakeDocker docker;
  RecordingRegistry reg;
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  Bridge bridge(docker, reg, config("on-success"));
  bridge.handle_event(event("start", cid('a')));
  docker.containers[cid('a')]["State"] = {{"Running", false}, {"ExitCode", 3}};
  bridge.handle_event(event("die", cid('a')));
  EXPECT_EQ(reg.calls.size(), 1u);  // not removed
  bridge.handle_event(event("start", cid('a')));
  docker.containers.erase(cid('a'));  // gone (--rm): removed
  bridge.handle_event(event("die", cid('a')));
  EXPECT_EQ(reg.calls.back(), "deregister node1:web:80");
  EXPECT_TRUE(logs.contains("could not fetch exit code"));
}

TEST(RegistratorBridge, EventsForOneContainerApplyInOrder) {
  FakeDocker docker;
  RecordingRegistry reg;
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  docker.containers[cid('b')] = container(cid('b'), "api", 9090);
  Bridge bridge(docker, reg, config());
  EventQueue<PumpItem> queue;
  for (const auto& e : {event("start", cid('a')), event("start", cid('b')), event("die", cid('a')),
                        event("start", cid('a')), event("die", cid('b')), event("die", cid('a'))}) {
    PumpItem item;
    item.event = e;
    queue.push(item);
  }
  queue.close();
  while (auto item = queue.pop()) bridge.handle_event(item->event);
  EXPECT_EQ(reg.calls, (std::vector<std::string>{"register node1:web:80", "register node1:api:80",
                                                 "deregister node1:web:80", "register node1:web:80",
                                                 "deregister node1:api:80", "deregister node1:web:80"}));
}

TEST(RegistratorBridge, InspectFailureAndRegisterFailureAreLoggedNotFatal) {
  LogCapture logs;
  FakeDocker docker;
  RecordingRegistry reg;
  Bridge bridge(docker, reg, config());
  bridge.add(cid('z'));  // no such container
  EXPECT_TRUE(logs.contains("unable to inspect container: zzzzzzzzzzzz"));
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  reg.fail_ids = {"node1:web:80"};
  bridge.add(cid('a'));
  EXPECT_TRUE(logs.contains("register failed: node1:web:80 consul 127.0.0.1:1: Unexpected response code: 500 (nope)"));
  EXPECT_TRUE(bridge.services().empty());
}

TEST(RegistratorBridge, ReconcileRemovesContainersThatStoppedWhileDisconnected) {
  FakeDocker docker;
  RecordingRegistry reg;
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  docker.containers[cid('b')] = container(cid('b'), "api", 9090);
  docker.running = {cid('a')};
  Bridge bridge(docker, reg, config());
  bridge.sync(false);
  docker.running = {cid('b')};  // a died, b started, while we were not listening
  reg.calls.clear();
  bridge.reconcile();
  EXPECT_EQ(reg.calls, (std::vector<std::string>{"deregister node1:web:80", "register node1:api:80"}));
}

TEST(RegistratorBridge, CleanupRemovesDanglingServicesOfThisHostOnly) {
  FakeDocker docker;
  RecordingRegistry reg;
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  docker.running = {cid('a')};
  Config c = config();
  c.cleanup = true;
  auto ext = [](std::string id, std::string name) {
    Service s;
    s.id = std::move(id);
    s.name = std::move(name);
    return s;
  };
  reg.external = {ext("node1:web:80", "web"), ext("node1:old:80", "old"), ext("node2:old:80", "old"),
                  ext("consul", "consul")};
  Bridge bridge(docker, reg, c);
  bridge.sync(false);
  EXPECT_EQ(reg.calls, (std::vector<std::string>{"register node1:web:80", "deregister node1:old:80"}));
}

// ---- EventPump ----

namespace {
template <class Pred>
bool wait_for(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::yield();
  }
  return pred();
}
}  // namespace

TEST(RegistratorEventPump, FirstConnectFailureIsReported) {
  LogCapture logs;
  FakeDocker docker;
  docker.scripts.push_back({{}, false, false});
  EventQueue<PumpItem> queue;
  EventPump pump(docker, queue);
  auto err = pump.start(std::chrono::seconds(10));
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("Connection refused"), std::string::npos);
}

TEST(RegistratorEventPump, ReconnectsWithSinceDropsReplayedDuplicatesAndAsksForResync) {
  LogCapture logs;
  FakeDocker docker;
  docker.scripts.push_back({{event("start", cid('a'), {}, 100), event("die", cid('a'), {}, 101)}, true, false});
  docker.scripts.push_back({{}, false, false});  // daemon down for a moment
  // Replay from since=101: the die at 101 again (duplicate) and a new start.
  docker.scripts.push_back({{event("die", cid('a'), {}, 101), event("start", cid('b'), {}, 102)}, true, true});
  EventQueue<PumpItem> queue;
  EventPump pump(docker, queue, PumpOptions{std::chrono::milliseconds(1), std::chrono::milliseconds(5)});
  ASSERT_FALSE(pump.start(std::chrono::seconds(10)).has_value());

  std::vector<std::string> got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (got.size() < 4) {
    auto item = queue.pop_until(deadline);
    ASSERT_TRUE(item.has_value()) << "timed out; got " << got.size();
    got.push_back(item->kind == PumpItem::Kind::Resync ? "resync" : item->event.action + " " + item->event.id.substr(0, 1));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"start a", "die a", "resync", "start b"}));
  EXPECT_TRUE(logs.contains("Docker event stream ended"));
  pump.stop();
  ASSERT_GE(docker.since_seen.size(), 3u);
  EXPECT_FALSE(docker.since_seen[0].has_value());
  EXPECT_EQ(docker.since_seen[2], std::optional<std::int64_t>(101));
  EXPECT_EQ(queue.size(), 0u);
}

TEST(RegistratorEventPump, StopEndsAnIdleStream) {
  FakeDocker docker;
  EventQueue<PumpItem> queue;
  EventPump pump(docker, queue);
  ASSERT_FALSE(pump.start(std::chrono::seconds(10)).has_value());
  EXPECT_TRUE(wait_for([&] { return pump.connections() == 1; }));
  pump.stop();  // must not hang
}
