// Bridge and EventPump against a fake DockerClient and a recording RegistryBackend.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <set>

#include "registrator/bridge/bridge.hpp"
#include "registrator/docker/event_pump.hpp"
#include "registrator/app/log.hpp"

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
  int fail_list_times = 0;                  // the next N lists fail
  std::map<std::string, int> fail_inspect;  // id -> how many more inspects fail (bad JSON)

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
    if (fail_list_times > 0) {
      --fail_list_times;
      throw DockerError("docker unix:///fake: bad container list JSON: unexpected end of input");
    }
    return {running.begin(), running.end()};
  }
  std::optional<json> inspect(const std::string& id) override {
    std::lock_guard lock(mu_);
    if (auto f = fail_inspect.find(id); f != fail_inspect.end() && f->second > 0) {
      --f->second;
      throw DockerError("docker unix:///fake: bad inspect JSON: [json.exception.parse_error.101] truncated");
    }
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

  // Service id -> how many more register / deregister calls fail (with fail_status; 0 = no answer).
  std::map<std::string, int> fail_register;
  std::map<std::string, int> fail_deregister;
  int fail_status = 500;

  void ping() override {}
  void register_service(const Service& s) override {
    calls.push_back("register " + s.id);
    if (fail_ids.count(s.id)) throw RegistryError("consul 127.0.0.1:1: Unexpected response code: 500 (nope)", 500);
    maybe_fail(fail_register, s.id);
  }
  void deregister(const Service& s) override {
    calls.push_back("deregister " + s.id);
    maybe_fail(fail_deregister, s.id);
  }
  void refresh(const Service& s) override { calls.push_back("refresh " + s.id); }
  std::vector<Service> services() override { return external; }

 private:
  void maybe_fail(std::map<std::string, int>& left, const std::string& id) {
    auto it = left.find(id);
    if (it == left.end() || it->second == 0) return;
    if (it->second > 0) --it->second;  // negative: fail forever
    if (fail_status == 0) throw RegistryError("consul 127.0.0.1:1: read: Connection reset by peer");
    throw RegistryError("consul 127.0.0.1:1: Unexpected response code: " + std::to_string(fail_status) + " (down)",
                        fail_status);
  }
};

// The sink runs under the logger's lock on whichever thread logs (the event pump's too), and
// takes mu() for `lines`, which the test thread reads. mu() is one mutex for the process, like the
// logger's, not a member: libstdc++'s std::mutex never tells TSan it was destroyed, so a member
// on the stack and a later test's Bridge mutex at the same address are one mutex to TSan's
// deadlock detector, which then joins "logger -> capture" and "Bridge -> logger" into a cycle
// that no run can take (google/sanitizers#494; seen running bridge_test whole).
struct LogCapture {
  std::vector<std::string> lines;
  static std::mutex& mu() {
    static std::mutex m;
    return m;
  }
  LogCapture() {
    log::set_sink([this](std::string_view l) {
      std::lock_guard lock(mu());
      lines.emplace_back(l);
    });
  }
  ~LogCapture() { log::set_sink({}); }
  bool contains(const std::string& needle) {
    std::lock_guard lock(mu());
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

// Start-up sync hands the registry runs of new containers at once (register_many, which Consul
// pipelines), yet registers, fails and logs exactly as adding them one by one does.
TEST(RegistratorBridge, SyncRegistersNewContainersInBatchesLoggingAsOneByOne) {
  struct BatchRegistry : RecordingRegistry {
    std::vector<std::size_t> batches;
    std::vector<std::exception_ptr> register_many(const std::vector<const Service*>& services) override {
      batches.push_back(services.size());
      return RegistryBackend::register_many(services);
    }
  };
  auto id_of = [](int i) {
    std::string n = std::to_string(i);
    return std::string(64 - n.size(), 'c') + n;
  };
  auto fill = [&](FakeDocker& docker, BatchRegistry& reg) {
    for (int i = 0; i < 40; ++i) {
      docker.containers[id_of(i)] = container(id_of(i), "c" + std::to_string(i), 8000 + i);
      docker.running.insert(id_of(i));
    }
    docker.fail_inspect[id_of(5)] = 1;  // garbage once: retried later
    docker.containers.erase(id_of(9));  // gone between list and inspect
    reg.fail_ids = {"node1:c7:80", "node1:c33:80"};
  };
  auto without_sync_line = [](std::vector<std::string> lines) {
    std::erase_if(lines, [](const std::string& l) { return l.rfind("Syncing services", 0) == 0; });
    return lines;
  };

  std::vector<std::string> one_by_one_log, one_by_one_calls;
  {
    LogCapture logs;
    FakeDocker docker;
    BatchRegistry reg;
    fill(docker, reg);
    Bridge bridge(docker, reg, config());
    for (const auto& id : docker.running) bridge.add(id);
    one_by_one_log = logs.lines;
    one_by_one_calls = reg.calls;
  }
  LogCapture logs;
  FakeDocker docker;
  BatchRegistry reg;
  fill(docker, reg);
  Bridge bridge(docker, reg, config());
  bridge.sync(false);
  // In list order (ids sort 10..39 before 0..9): 32 containers, then 8, of which 5 and 9 have no service.
  EXPECT_EQ(reg.batches, (std::vector<std::size_t>{32, 6}));
  EXPECT_EQ(reg.calls, one_by_one_calls);
  EXPECT_EQ(without_sync_line(logs.lines), one_by_one_log);
  EXPECT_EQ(bridge.services().size(), 36u);
  EXPECT_EQ(bridge.pending_inspects(), std::vector<std::string>{id_of(5)});
  EXPECT_EQ(bridge.pending_registrations(), (std::vector<std::string>{"node1:c33:80", "node1:c7:80"}));
  EXPECT_TRUE(logs.contains("register failed: node1:c7:80 consul 127.0.0.1:1: Unexpected response code: 500 (nope)"));
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

// ---- pending registrations / deregistrations (retry after a registry outage) ----

namespace {
using namespace std::chrono_literals;

// A Bridge on a hand-driven clock.
struct RetryFixture {
  LogCapture logs;
  FakeDocker docker;
  RecordingRegistry reg;
  Bridge::Clock::time_point t0 = Bridge::Clock::time_point{} + std::chrono::hours(1);
  Bridge::Clock::time_point now = t0;
  Bridge bridge{docker, reg, config()};
  RetryFixture() {
    bridge.set_clock([this] { return now; });
    docker.containers[cid('a')] = container(cid('a'), "web", 8080);
    docker.containers[cid('b')] = container(cid('b'), "api", 9090);
  }
  // Advances the clock to the next retry and runs it.
  void retry_next() {
    auto next = bridge.next_retry();
    ASSERT_TRUE(next.has_value());
    now = *next;
    bridge.retry_pending();
  }
  std::chrono::milliseconds until_next() {
    auto next = bridge.next_retry();
    EXPECT_TRUE(next.has_value());
    return next ? std::chrono::duration_cast<std::chrono::milliseconds>(*next - now) : 0ms;
  }
};

using Ids = std::vector<std::string>;
}  // namespace

TEST(RegistratorBridgeRetry, FailedRegistrationIsRetriedUntilItSucceeds) {
  RetryFixture f;
  f.reg.fail_register["node1:web:80"] = 3;
  f.bridge.handle_event(event("start", cid('a')));
  EXPECT_TRUE(f.logs.contains("register failed: node1:web:80 consul 127.0.0.1:1: Unexpected response code: 500"));
  EXPECT_TRUE(f.bridge.services().empty());
  EXPECT_EQ(f.bridge.pending_registrations(), Ids{"node1:web:80"});
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());

  f.retry_next();  // 2nd attempt fails
  f.retry_next();  // 3rd attempt fails
  EXPECT_FALSE(f.logs.contains("added:"));
  f.retry_next();  // 4th succeeds
  EXPECT_TRUE(f.logs.contains("added: aaaaaaaaaaaa node1:web:80"));
  EXPECT_EQ(f.reg.calls, Ids(4, "register node1:web:80"));
  ASSERT_EQ(f.bridge.services().count(cid('a')), 1u);
  EXPECT_EQ(f.bridge.services().at(cid('a')).at(0).id, "node1:web:80");
  EXPECT_TRUE(f.bridge.pending_registrations().empty());

  // Nothing is retried after success, however late.
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  f.now += std::chrono::hours(2);
  f.bridge.retry_pending();
  EXPECT_EQ(f.reg.calls.size(), 4u);
  // The container is known now: a die deregisters it as usual.
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_EQ(f.reg.calls.back(), "deregister node1:web:80");
}

TEST(RegistratorBridgeRetry, BackOffDoublesToTheCapAndStartsAgainAfterSuccess) {
  RetryFixture f;
  f.reg.fail_register["node1:web:80"] = -1;  // until told otherwise
  f.bridge.add(cid('a'));
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 9; ++i) {
    delays.push_back(f.until_next());
    // Not due a millisecond early.
    auto calls = f.reg.calls.size();
    f.now = *f.bridge.next_retry() - 1ms;
    f.bridge.retry_pending();
    EXPECT_EQ(f.reg.calls.size(), calls);
    f.retry_next();
    EXPECT_EQ(f.reg.calls.size(), calls + 1);
  }
  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{250ms, 500ms, 1000ms, 2000ms, 4000ms, 8000ms, 10000ms,
                                                            10000ms, 10000ms}));
  f.reg.fail_register.clear();
  f.retry_next();
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  EXPECT_TRUE(f.logs.contains("added: aaaaaaaaaaaa node1:web:80"));

  // A later failure (another outage) starts from the initial delay again.
  f.reg.fail_deregister["node1:web:80"] = 1;
  f.bridge.remove(cid('a'));
  EXPECT_EQ(f.until_next(), 250ms);
}

TEST(RegistratorBridgeRetry, RetryPolicyIsConfigurable) {
  RetryFixture f;
  f.bridge.set_retry_policy({10ms, 25ms});
  f.reg.fail_register["node1:web:80"] = -1;
  f.bridge.add(cid('a'));
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 4; ++i) {
    delays.push_back(f.until_next());
    f.retry_next();
  }
  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{10ms, 20ms, 25ms, 25ms}));
}

TEST(RegistratorBridgeRetry, FailedDeregistrationIsRetriedUntilItSucceeds) {
  RetryFixture f;
  f.bridge.handle_event(event("start", cid('a')));
  f.bridge.handle_event(event("start", cid('b')));
  f.reg.fail_deregister["node1:web:80"] = 2;
  f.reg.fail_status = 503;
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_TRUE(f.logs.contains("deregister failed: node1:web:80 consul 127.0.0.1:1: Unexpected response code: 503"));
  EXPECT_FALSE(f.logs.contains("removed: aaaaaaaaaaaa"));
  // Forgotten as a running container (a restart registers it again), but pending.
  EXPECT_EQ(f.bridge.services().count(cid('a')), 0u);
  EXPECT_EQ(f.bridge.pending_deregistrations(), Ids{"node1:web:80"});
  EXPECT_TRUE(f.bridge.pending_registrations().empty());

  f.retry_next();  // fails again
  EXPECT_EQ(f.bridge.pending_deregistrations(), Ids{"node1:web:80"});
  f.retry_next();  // succeeds
  EXPECT_TRUE(f.logs.contains("removed: aaaaaaaaaaaa node1:web:80"));
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  EXPECT_EQ(f.reg.calls, (Ids{"register node1:web:80", "register node1:api:80", "deregister node1:web:80",
                              "deregister node1:web:80", "deregister node1:web:80"}));
  f.now += std::chrono::hours(1);
  f.bridge.retry_pending();
  EXPECT_EQ(f.reg.calls.size(), 5u);
  EXPECT_EQ(f.bridge.services().count(cid('b')), 1u);  // untouched
}

TEST(RegistratorBridgeRetry, DeregistrationOfAnUnknownServiceIsNotRetried) {
  RetryFixture f;
  f.bridge.add(cid('a'));
  f.reg.fail_deregister["node1:web:80"] = 1;
  f.reg.fail_status = 404;  // Consul: Unknown service ID
  f.bridge.remove(cid('a'));
  EXPECT_TRUE(f.logs.contains("deregister failed: node1:web:80"));
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorBridgeRetry, DieWhileRegistrationPendingDropsItWithoutDeregistering) {
  RetryFixture f;
  f.reg.fail_register["node1:web:80"] = -1;  // Consul answers 500: it did not register
  f.bridge.handle_event(event("start", cid('a')));
  f.retry_next();
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_EQ(f.reg.calls, Ids(2, "register node1:web:80"));  // no deregister of something never registered
  EXPECT_TRUE(f.logs.contains("register abandoned: aaaaaaaaaaaa node1:web:80"));
  EXPECT_TRUE(f.bridge.pending_registrations().empty());
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());
  f.now += std::chrono::hours(1);
  f.bridge.retry_pending();
  EXPECT_EQ(f.reg.calls.size(), 2u);
}

TEST(RegistratorBridgeRetry, DieWhileRegistrationPendingWithoutAnswerDeregisters) {
  RetryFixture f;
  f.reg.fail_status = 0;  // the connection dropped: the registration may have been applied
  f.reg.fail_register["node1:web:80"] = -1;
  f.reg.fail_deregister["node1:web:80"] = 1;
  f.bridge.handle_event(event("start", cid('a')));
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_EQ(f.reg.calls, (Ids{"register node1:web:80", "deregister node1:web:80"}));
  // The deregistration failed as well: it is now what is pending, not the registration.
  EXPECT_TRUE(f.bridge.pending_registrations().empty());
  EXPECT_EQ(f.bridge.pending_deregistrations(), Ids{"node1:web:80"});
  f.retry_next();
  EXPECT_EQ(f.reg.calls.back(), "deregister node1:web:80");
  EXPECT_TRUE(f.logs.contains("removed: aaaaaaaaaaaa node1:web:80"));
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorBridgeRetry, OnSuccessNonZeroExitDropsPendingRegistration) {
  RetryFixture f;
  Bridge bridge(f.docker, f.reg, config("on-success"));
  bridge.set_clock([&] { return f.now; });
  f.reg.fail_register["node1:web:80"] = -1;
  bridge.handle_event(event("start", cid('a')));
  bridge.handle_event(event("die", cid('a'), {{"exitCode", "1"}}));
  EXPECT_FALSE(bridge.next_retry().has_value());
  EXPECT_EQ(f.reg.calls, Ids{"register node1:web:80"});
}

TEST(RegistratorBridgeRetry, StartSupersedesPendingDeregistrationOfTheSameServiceId) {
  RetryFixture f;
  f.bridge.handle_event(event("start", cid('a')));
  f.reg.fail_deregister["node1:web:80"] = -1;
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_EQ(f.bridge.pending_deregistrations(), Ids{"node1:web:80"});
  // A new container with the same name (same service ID) starts: its registration wins.
  f.docker.containers[cid('c')] = container(cid('c'), "web", 8081);
  f.bridge.handle_event(event("start", cid('c')));
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  EXPECT_EQ(f.bridge.services().count(cid('c')), 1u);
  EXPECT_EQ(f.reg.calls.back(), "register node1:web:80");
}

TEST(RegistratorBridgeRetry, RestartWhileDeregistrationPendingAndRegistrationFailing) {
  RetryFixture f;
  f.bridge.handle_event(event("start", cid('a')));
  f.reg.fail_deregister["node1:web:80"] = -1;
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  f.reg.fail_register["node1:web:80"] = 1;
  f.bridge.handle_event(event("start", cid('a')));
  // At most one state per service: the registration is what is pending now.
  EXPECT_EQ(f.bridge.pending_registrations(), Ids{"node1:web:80"});
  EXPECT_TRUE(f.bridge.pending_deregistrations().empty());
  f.retry_next();
  EXPECT_TRUE(f.bridge.pending_registrations().empty());
  EXPECT_EQ(f.bridge.services().count(cid('a')), 1u);
  EXPECT_EQ(f.reg.calls.back(), "register node1:web:80");
}

TEST(RegistratorBridgeRetry, SyncRegistersAContainerWhoseRegistrationIsPending) {
  RetryFixture f;
  f.docker.running = {cid('a')};
  f.reg.fail_register["node1:web:80"] = 1;
  f.bridge.sync(false);
  EXPECT_EQ(f.bridge.pending_registrations(), Ids{"node1:web:80"});
  f.bridge.sync(true);  // -resync before the retry is due
  EXPECT_TRUE(f.bridge.pending_registrations().empty());
  EXPECT_EQ(f.bridge.services().count(cid('a')), 1u);
}

TEST(RegistratorBridgeRetry, FailedInspectIsRetriedUntilTheContainerIsRegistered) {
  RetryFixture f;
  f.docker.fail_inspect[cid('a')] = 2;
  f.bridge.handle_event(event("start", cid('a')));
  EXPECT_TRUE(f.logs.contains("unable to inspect container: aaaaaaaaaaaa docker unix:///fake: bad inspect JSON"));
  EXPECT_TRUE(f.logs.contains("(retrying in 250 ms)"));
  EXPECT_TRUE(f.reg.calls.empty());
  EXPECT_EQ(f.bridge.pending_inspects(), Ids{cid('a')});
  // Another container is not held up by the one whose inspect fails.
  f.bridge.handle_event(event("start", cid('b')));
  EXPECT_EQ(f.reg.calls, Ids{"register node1:api:80"});
  f.retry_next();  // fails again, 500 ms
  EXPECT_TRUE(f.logs.contains("(retrying in 500 ms)"));
  f.retry_next();  // succeeds
  EXPECT_EQ(f.reg.calls, (Ids{"register node1:api:80", "register node1:web:80"}));
  EXPECT_TRUE(f.bridge.pending_inspects().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorBridgeRetry, DieDropsAPendingInspect) {
  RetryFixture f;
  f.docker.fail_inspect[cid('a')] = 1;
  f.bridge.handle_event(event("start", cid('a')));
  EXPECT_EQ(f.bridge.pending_inspects(), Ids{cid('a')});
  f.bridge.handle_event(event("die", cid('a'), {{"exitCode", "0"}}));
  EXPECT_TRUE(f.bridge.pending_inspects().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
  EXPECT_TRUE(f.reg.calls.empty());
}

TEST(RegistratorBridgeRetry, NoSuchContainerIsNotRetried) {
  RetryFixture f;
  f.bridge.handle_event(event("start", cid('z')));
  EXPECT_TRUE(f.bridge.pending_inspects().empty());
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorBridgeRetry, ReconcileWhoseListFailsIsTriedAgain) {
  RetryFixture f;
  f.docker.running = {cid('a')};
  f.docker.fail_list_times = 2;
  f.bridge.reconcile();
  EXPECT_TRUE(f.logs.contains("error listing containers, reconcile again in 250 ms: docker unix:///fake: bad container list JSON"));
  EXPECT_TRUE(f.reg.calls.empty());
  f.retry_next();
  EXPECT_TRUE(f.reg.calls.empty());
  f.retry_next();
  EXPECT_EQ(f.reg.calls, Ids{"register node1:web:80"});
  EXPECT_FALSE(f.bridge.next_retry().has_value());
}

TEST(RegistratorInspectPrefetcher, ResultsInOrderWithErrorsAndNoSuchContainer) {
  FakeDocker docker;
  for (char c : std::string("abcdefgh")) docker.containers[cid(c)] = container(cid(c), std::string(1, c), 8000 + c);
  docker.fail_inspect[cid('c')] = 1;
  std::vector<std::string> ids;
  for (char c : std::string("abcdefghz")) ids.push_back(cid(c));
  InspectPrefetcher prefetch(docker, ids, 2);
  for (char c : std::string("abcdefghz")) {
    Inspected r = prefetch.next();
    if (c == 'c') {
      EXPECT_TRUE(r.error);
    } else if (c == 'z') {
      EXPECT_FALSE(r.error);
      EXPECT_FALSE(r.container.has_value());
    } else {
      ASSERT_TRUE(r.container.has_value());
      EXPECT_EQ((*r.container)["Id"], cid(c));
    }
  }
}

TEST(RegistratorInspectPrefetcher, StopsEarlyWhenDestroyed) {
  FakeDocker docker;
  std::vector<std::string> ids(1000, cid('a'));
  docker.containers[cid('a')] = container(cid('a'), "web", 8080);
  {
    InspectPrefetcher prefetch(docker, ids, 4);
    EXPECT_TRUE(prefetch.next().container.has_value());
  }  // joins without inspecting the rest
  SUCCEED();
}

TEST(RegistratorBridgeRetry, SyncWithAFailedInspectRetriesThatContainerOnly) {
  RetryFixture f;
  f.docker.running = {cid('a'), cid('b')};
  f.docker.fail_inspect[cid('a')] = 1;
  f.bridge.sync(false);
  EXPECT_EQ(f.reg.calls, Ids{"register node1:api:80"});
  EXPECT_EQ(f.bridge.pending_inspects(), Ids{cid('a')});
  f.retry_next();
  EXPECT_EQ(f.reg.calls, (Ids{"register node1:api:80", "register node1:web:80"}));
}
