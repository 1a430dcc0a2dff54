// Bridge against a fake DockerClient and a recording RegistryBackend: sync, events, on-success,
// reconcile, cleanup. Retries are in bridge_retry_test.cpp.
#include <gtest/gtest.h>

#include "registrator/docker/event_pump.hpp"
#include "tests/registrator/bridge/bridge_cases.hpp"

using namespace regtest::bridge;

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
