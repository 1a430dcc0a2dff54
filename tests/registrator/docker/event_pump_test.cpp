// EventPump against a fake DockerClient: first-connect failure, reconnects with since= and
// de-duplication, stop.
#include <gtest/gtest.h>

#include <thread>

#include "registrator/docker/event_pump.hpp"
#include "tests/support/registrator/fake_docker_client.hpp"
#include "tests/support/registrator/log_capture.hpp"

using namespace registrator;
using namespace regtest;

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
