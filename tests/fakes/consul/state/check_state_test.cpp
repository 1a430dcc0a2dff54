// Consul's check-state semantics (agent/local/state.go, agent/checks/check.go, agent/agent.go)
// in the pure catalog: TTL expiry, CriticalTime and the critical-service reaper.
#include "tests/fakes/consul/state/catalog_fixture.hpp"
#include "fakes/consul/state/reaper_schedule.hpp"

namespace catalog_test {
namespace {

TEST_F(ConsulCatalogTest, TtlCheckExpiresToCriticalUnlessPassedAgain) {
  auto reg = web("web-1", 80);
  reg.checks.push_back(ttl_check(10s));
  catalog.register_service("dc1", "node1", reg);
  catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::passing, "alive");
  clock.advance(6s);
  EXPECT_EQ(catalog.expire_ttl_checks(), 0u);
  catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::passing, "alive");  // re-arms
  clock.advance(6s);
  EXPECT_EQ(catalog.expire_ttl_checks(), 0u);
  ASSERT_TRUE(catalog.next_ttl_deadline());
  EXPECT_EQ(*catalog.next_ttl_deadline(), clock.now() + 4s);
  const auto index = catalog.index();
  clock.advance(5s);
  EXPECT_EQ(catalog.expire_ttl_checks(), 1u);
  EXPECT_EQ(catalog.index(), index + 1);
  const Check* check = checks_of("web-1")[1];
  EXPECT_EQ(check->status, HealthStatus::critical);
  EXPECT_EQ(check->output, "TTL expired (last output before timeout follows): alive");
  EXPECT_FALSE(catalog.next_ttl_deadline());
}

// DeregisterCriticalServiceAfter: the agent's reaper removes a service whose check has been
// critical for that long, counting from when it turned critical (not from registration).
TEST_F(ConsulCatalogTest, CriticalServiceIsReapedAfterDeregisterCriticalServiceAfter) {
  auto reg = web("web-1", 80);
  auto check = ttl_check(10s);
  check.status = HealthStatus::passing;
  check.deregister_critical_after = 30s;
  reg.checks.push_back(check);
  catalog.register_service("dc1", "node1", reg);
  catalog.register_service("dc1", "node1", web("web-2", 81));  // no check: never reaped
  EXPECT_FALSE(catalog.next_reap_deadline()) << "a passing check is not on the way out";
  clock.advance(11s);
  ASSERT_EQ(catalog.expire_ttl_checks(), 1u);
  ASSERT_TRUE(catalog.next_reap_deadline());
  EXPECT_EQ(*catalog.next_reap_deadline(), clock.now() + 30s);
  clock.advance(29s);
  EXPECT_EQ(catalog.reap_critical_services(), 0u);
  // Passing again stops the countdown; critical again starts it afresh.
  catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::passing, "back");
  EXPECT_FALSE(catalog.next_reap_deadline());
  catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::critical, "down");
  clock.advance(29s);
  EXPECT_EQ(catalog.reap_critical_services(), 0u);
  clock.advance(1s);
  EXPECT_EQ(catalog.reap_critical_services(), 1u);
  const Node* node = catalog.find_node("dc1", "node1");
  EXPECT_EQ(node->services.count("web-1"), 0u);
  EXPECT_EQ(node->checks.count("service:web-1"), 0u);
  EXPECT_EQ(node->services.count("web-2"), 1u);
  EXPECT_FALSE(catalog.next_reap_deadline());
}

class ConsulCheckStateTest : public ConsulCatalogTest {
 protected:
  const Check& check(const std::string& id) { return catalog.find_node("dc1", "node1")->checks.at(id); }
  ServiceRegistration web_with_ttl(HealthStatus initial, std::chrono::milliseconds deregister_after) {
    auto reg = web("web-1", 80);
    auto def = ttl_check(10s);
    def.status = initial;
    def.deregister_critical_after = deregister_after;
    reg.checks.push_back(def);
    return reg;
  }
};

// The countdown starts at the first critical report, and further critical reports (other
// output, TTL expiry) do not restart it.
TEST_F(ConsulCheckStateTest, ReapCountdownStartsAtFirstCriticalAndIsNotResetByLaterCriticalUpdates) {
  catalog.register_service("dc1", "node1", web_with_ttl(HealthStatus::passing, 60s));
  clock.advance(100s);
  EXPECT_FALSE(catalog.next_reap_deadline()) << "registered passing: no countdown yet";
  const auto first_critical = clock.now();
  catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::critical, "down");
  clock.advance(20s);
  catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::critical, "still down");
  clock.advance(15s);  // the TTL (10s after the last fail) expires on an already critical check
  EXPECT_EQ(catalog.expire_ttl_checks(), 1u);
  ASSERT_TRUE(catalog.next_reap_deadline());
  EXPECT_EQ(*catalog.next_reap_deadline(), first_critical + 60s);
  clock.advance(24s);
  EXPECT_EQ(catalog.reap_critical_services(), 0u);
  clock.advance(1s);
  EXPECT_EQ(catalog.reap_critical_services(), 1u);
}

// A TTL check registered critical (Consul's default) has no CriticalTime until its TTL runs out.
TEST_F(ConsulCheckStateTest, TtlCheckRegisteredCriticalStartsCountingWhenItsTtlExpires) {
  catalog.register_service("dc1", "node1", web_with_ttl(HealthStatus::critical, 30s));
  EXPECT_FALSE(catalog.next_reap_deadline());
  clock.advance(10s);
  EXPECT_EQ(catalog.expire_ttl_checks(), 1u);
  EXPECT_EQ(check("service:web-1").output, "TTL expired");
  ASSERT_TRUE(catalog.next_reap_deadline());
  EXPECT_EQ(*catalog.next_reap_deadline(), clock.now() + 30s);
}

// Consul's CheckTTL fires once per arming, whatever the status: after a fail, the expiry still
// replaces the output with "TTL expired ..." and then stays quiet until the next update.
TEST_F(ConsulCheckStateTest, TtlExpiryOnAnAlreadyCriticalCheckSetsTtlExpiredOutput) {
  catalog.register_service("dc1", "node1", web_with_ttl(HealthStatus::passing, 0s));
  catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::critical, "disk full");
  ASSERT_TRUE(catalog.next_ttl_deadline()) << "a failed TTL check is still armed";
  const auto index = catalog.index();
  clock.advance(10s);
  EXPECT_EQ(catalog.expire_ttl_checks(), 1u);
  EXPECT_EQ(check("service:web-1").status, HealthStatus::critical);
  EXPECT_EQ(check("service:web-1").output, "TTL expired (last output before timeout follows): disk full");
  EXPECT_EQ(catalog.index(), index + 1);
  EXPECT_FALSE(catalog.next_ttl_deadline());
  clock.advance(30s);
  EXPECT_EQ(catalog.expire_ttl_checks(), 0u) << "fires once per arming";
}

// Re-registering a check keeps its status and output even when the request names a Status
// (agent.go addCheckLocked / addServiceInternal restore them from a snapshot).
TEST_F(ConsulCheckStateTest, ReRegisteringACheckKeepsItsStatusWithOrWithoutStatusInTheRequest) {
  catalog.register_service("dc1", "node1", web("web-1", 80));
  CheckDefinition api = ttl_check(30s);
  api.id = "api";
  api.name = "api";
  ASSERT_TRUE(catalog.register_check("dc1", "node1", api, "web-1"));
  catalog.update_ttl_check("dc1", "node1", "api", HealthStatus::passing, "fine");
  api.status = HealthStatus::critical;
  api.notes = "changed";
  ASSERT_TRUE(catalog.register_check("dc1", "node1", api, "web-1"));
  EXPECT_EQ(check("api").status, HealthStatus::passing);
  EXPECT_EQ(check("api").output, "fine");
  EXPECT_EQ(check("api").notes, "changed");
  api.status.reset();
  ASSERT_TRUE(catalog.register_check("dc1", "node1", api, "web-1"));
  EXPECT_EQ(check("api").status, HealthStatus::passing);

  auto reg = web_with_ttl(HealthStatus::passing, 0s);
  catalog.register_service("dc1", "node1", reg);
  catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::warning, "slow");
  reg.checks[0].status = HealthStatus::critical;
  catalog.register_service("dc1", "node1", reg);
  EXPECT_EQ(check("service:web-1").status, HealthStatus::warning);
  EXPECT_EQ(check("service:web-1").output, "slow");
}

// A re-registration starts a new TTL timer, even when nothing in the catalog changes.
TEST_F(ConsulCheckStateTest, IdenticalReRegistrationReArmsTheTtl) {
  auto reg = web_with_ttl(HealthStatus::passing, 0s);
  catalog.register_service("dc1", "node1", reg);
  clock.advance(8s);
  const auto index = catalog.index();
  catalog.register_service("dc1", "node1", reg);
  EXPECT_EQ(catalog.index(), index) << "identical: no catalog write";
  clock.advance(8s);
  EXPECT_EQ(catalog.expire_ttl_checks(), 0u);
  clock.advance(2s);
  EXPECT_EQ(catalog.expire_ttl_checks(), 1u);
}

// Consul's check_deregister_interval_min (1 minute): a shorter DeregisterCriticalServiceAfter
// counts as the minimum. The fake's default minimum is 0.
TEST_F(ConsulCheckStateTest, DeregisterCriticalMinimumRaisesShortTimeouts) {
  catalog.set_deregister_critical_min(60s);
  auto reg = web("web-1", 80);
  CheckDefinition http;
  http.type = "http";
  http.status = HealthStatus::critical;
  http.deregister_critical_after = 5s;
  reg.checks.push_back(http);
  catalog.register_service("dc1", "node1", reg);
  ASSERT_TRUE(catalog.next_reap_deadline());
  EXPECT_EQ(*catalog.next_reap_deadline(), clock.now() + 60s);
  clock.advance(59s);
  EXPECT_EQ(catalog.reap_critical_services(), 0u);
  clock.advance(1s);
  EXPECT_EQ(catalog.reap_critical_services(), 1u);
}

TEST(ReaperScheduleTest, ReapsAtTheFirstRunAtOrAfterTheDueTime) {
  const Clock::time_point start{std::chrono::hours(1)};
  EXPECT_EQ(next_reaper_run(start, 0s, start + 7s), start + 7s) << "no interval: exactly when due";
  EXPECT_EQ(next_reaper_run(start, 30s, start + 7s), start + 30s);
  EXPECT_EQ(next_reaper_run(start, 30s, start + 30s), start + 30s);
  EXPECT_EQ(next_reaper_run(start, 30s, start + 31s), start + 60s);
  EXPECT_EQ(next_reaper_run(start, 30s, start - 5s), start + 30s) << "overdue before the first run";
}

}  // namespace
}  // namespace catalog_test
