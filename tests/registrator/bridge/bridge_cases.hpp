#pragma once
// Shared by the Bridge suites: the Config they run with, and a Bridge on a hand-driven clock for
// the retry tests. The doubles are in tests/support/registrator.
#include <chrono>
#include <string>
#include <vector>

#include "registrator/bridge/bridge.hpp"
#include "tests/support/registrator/fake_docker_client.hpp"
#include "tests/support/registrator/log_capture.hpp"
#include "tests/support/registrator/recording_registry.hpp"

namespace regtest::bridge {

using namespace registrator;
using namespace regtest;
using namespace std::chrono_literals;

inline Config config(const std::string& deregister = "always") {
  Config c;
  c.hostname = "node1";
  c.host_ip = "10.0.0.1";
  c.deregister = deregister;
  return c;
}

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

}  // namespace regtest::bridge
