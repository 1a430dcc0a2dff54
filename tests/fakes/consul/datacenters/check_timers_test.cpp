// A datacenter's own timers (datacenters/datacenter_state.cpp), seen through the API: TTL checks
// expire and the reaper deregisters critical services without anyone asking, on Consul's
// schedule when asked to.
#include "tests/fakes/consul/endpoints/api_fixture.hpp"

namespace consul_test {
namespace {

using namespace std::chrono_literals;

TEST_F(ConsulApiTest, TtlCheckExpiresToCriticalOnItsOwn) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"t","Name":"ttl","Port":1,"Check":{"TTL":"300ms"}})").status, 200u);
  ASSERT_EQ(put("/v1/agent/check/pass/service:t").status, 200u);
  auto checks = get("/v1/health/checks/ttl");
  ASSERT_EQ(json::parse(checks.body)[0]["Status"], "passing");
  // Wait for the expiry with a blocking query instead of sleeping.
  auto after = get("/v1/health/checks/ttl?index=" + checks.header("x-consul-index") + "&wait=20s", {}, 30s);
  auto body = json::parse(after.body);
  EXPECT_EQ(body[0]["Status"], "critical");
  EXPECT_EQ(body[0]["Output"], "TTL expired");
}

TEST_F(ConsulApiTest, CriticalServiceIsDeregisteredAfterDeregisterCriticalServiceAfter) {
  const auto started = std::chrono::steady_clock::now();  // before the TTL is armed
  ASSERT_EQ(put("/v1/agent/service/register",
                R"({"ID":"h:doomed:80","Name":"doomed","Port":80,
                    "Check":{"TTL":"100ms","Status":"passing","DeregisterCriticalServiceAfter":"300ms"}})")
                .status,
            200u);
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"h:kept:80","Name":"kept","Port":80})").status, 200u);
  auto deadline = started + 10s;
  while (get_json("/v1/agent/services").contains("h:doomed:80") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);  // polling interval
  const auto services = get_json("/v1/agent/services");
  EXPECT_FALSE(services.contains("h:doomed:80"));
  EXPECT_TRUE(services.contains("h:kept:80"));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 400ms) << "TTL 100ms, then 300ms critical";
  EXPECT_FALSE(get_json("/v1/agent/checks").contains("service:h:doomed:80"));
}

// Consul's reaper timing on request: --reap-interval and --deregister-critical-min.
class ConsulReaperTimingTest : public ConsulFixture {
 protected:
  void SetUp() override {}
  bool poll_gone(const std::string& id, std::chrono::steady_clock::time_point deadline) {
    while (get_json("/v1/agent/services").contains(id)) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(20ms);  // polling interval
    }
    return true;
  }
  void register_doomed() {
    ASSERT_EQ(put("/v1/agent/service/register",
                  R"({"ID":"h:doomed:80","Name":"doomed","Port":80,
                      "Check":{"TTL":"50ms","Status":"passing","DeregisterCriticalServiceAfter":"100ms"}})")
                  .status,
              200u);
  }
};

TEST_F(ConsulReaperTimingTest, ReaperRunsOnlyEveryReapInterval) {
  fakes::consul::FakeConsulOptions options;
  options.reap_interval = 800ms;
  const auto t0 = std::chrono::steady_clock::now();  // the reaper's first run is >= t0 + 800ms
  start(options);
  register_doomed();
  ASSERT_TRUE(poll_gone("h:doomed:80", t0 + 10s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 800ms) << "due after 150ms, reaped at the first run";
}

TEST_F(ConsulReaperTimingTest, ShortDeregisterAfterCountsAsTheMinimum) {
  fakes::consul::FakeConsulOptions options;
  options.deregister_critical_min = 700ms;
  start(options);
  const auto t0 = std::chrono::steady_clock::now();
  register_doomed();
  ASSERT_TRUE(poll_gone("h:doomed:80", t0 + 10s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 750ms) << "50ms TTL, then the 700ms minimum";
}

}  // namespace
}  // namespace consul_test
