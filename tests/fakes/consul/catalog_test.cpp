#include "fakes/consul/state/catalog.hpp"
#include "fakes/consul/state/reaper_schedule.hpp"

#include <gtest/gtest.h>

using namespace fakes::consul;
using namespace std::chrono_literals;

namespace {

ServiceRegistration web(const std::string& id, int port, std::vector<std::string> tags = {}) {
  ServiceRegistration reg;
  reg.service.id = id;
  reg.service.name = "web";
  reg.service.address = "172.17.0.3";
  reg.service.port = port;
  reg.service.tags = std::move(tags);
  return reg;
}

CheckDefinition ttl_check(std::chrono::milliseconds ttl) {
  CheckDefinition def;
  def.type = "ttl";
  def.ttl = ttl;
  return def;
}

class ConsulCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog.set_change_listener([this] { ++changes; });
    catalog.upsert_node("dc1", "node1", "127.0.0.1");
  }
  std::vector<const Check*> checks_of(const std::string& service_id) {
    const Node* node = catalog.find_node("dc1", "node1");
    return catalog.instance_checks(*node, node->services.at(service_id));
  }
  ManualClock clock;
  Catalog catalog{clock, "dc1"};
  int changes = 0;
};

TEST_F(ConsulCatalogTest, NewNodeHasPassingSerfHealthCheck) {
  const Node* node = catalog.find_node("dc1", "NODE1");
  ASSERT_NE(node, nullptr);
  const Check& serf = node->checks.at("serfHealth");
  EXPECT_EQ(serf.name, "Serf Health Status");
  EXPECT_EQ(serf.status, HealthStatus::passing);
  EXPECT_EQ(changes, 1);
}

TEST_F(ConsulCatalogTest, RegisterBumpsIndexAndSetsRaftIndexes) {
  const auto before = catalog.index();
  ASSERT_TRUE(catalog.register_service("dc1", "node1", web("web-1", 80)));
  EXPECT_EQ(catalog.index(), before + 1);
  auto instances = catalog.service_instances("dc1", "WEB");
  ASSERT_EQ(instances.size(), 1u);
  EXPECT_EQ(instances[0].service->raft.create_index, before + 1);
  EXPECT_EQ(instances[0].service->raft.modify_index, before + 1);
  EXPECT_EQ(catalog.service_index("web"), before + 1);
  EXPECT_EQ(instances[0].service->weights, (Weights{1, 1}));
}

TEST_F(ConsulCatalogTest, ReRegisterReplacesAndKeepsCreateIndex) {
  catalog.register_service("dc1", "node1", web("web-1", 80));
  const auto created = catalog.index();
  catalog.register_service("dc1", "node1", web("web-1", 8080, {"v2"}));
  auto instances = catalog.service_instances("dc1", "web");
  ASSERT_EQ(instances.size(), 1u);
  EXPECT_EQ(instances[0].service->port, 8080);
  EXPECT_EQ(instances[0].service->raft.create_index, created);
  EXPECT_EQ(instances[0].service->raft.modify_index, created + 1);
}

TEST_F(ConsulCatalogTest, IdenticalReRegisterIsNotAWrite) {
  catalog.register_service("dc1", "node1", web("web-1", 80));
  const auto index = catalog.index();
  const int seen = changes;
  catalog.register_service("dc1", "node1", web("web-1", 80));
  EXPECT_EQ(catalog.index(), index);
  EXPECT_EQ(changes, seen);
}

TEST_F(ConsulCatalogTest, DeregisterRemovesServiceAndChecks) {
  auto reg = web("web-1", 80);
  reg.checks.push_back(ttl_check(10s));
  catalog.register_service("dc1", "node1", reg);
  const auto index = catalog.index();
  EXPECT_TRUE(catalog.deregister_service("dc1", "node1", "web-1"));
  EXPECT_EQ(catalog.index(), index + 1);
  EXPECT_TRUE(catalog.service_instances("dc1", "web").empty());
  EXPECT_EQ(catalog.find_node("dc1", "node1")->checks.size(), 1u);  // serfHealth only
  EXPECT_FALSE(catalog.deregister_service("dc1", "node1", "web-1"));
  EXPECT_EQ(catalog.index(), index + 1);
  EXPECT_GT(catalog.service_index("web"), index);
}

TEST_F(ConsulCatalogTest, CheckIdsAndNamesDefaultLikeConsul) {
  auto reg = web("web-1", 80);
  reg.checks.push_back(ttl_check(10s));
  catalog.register_service("dc1", "node1", reg);
  auto checks = checks_of("web-1");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[1]->id, "service:web-1");
  EXPECT_EQ(checks[1]->name, "Service 'web' check");
  EXPECT_EQ(checks[1]->status, HealthStatus::critical);

  reg.service.id = "web-2";
  reg.checks.push_back(ttl_check(5s));
  catalog.register_service("dc1", "node1", reg);
  checks = checks_of("web-2");
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[1]->id, "service:web-2:1");
  EXPECT_EQ(checks[2]->id, "service:web-2:2");
}

TEST_F(ConsulCatalogTest, TagFilterIsCaseInsensitiveAndRequiresAllTags) {
  catalog.register_service("dc1", "node1", web("a", 80, {"Primary", "eu"}));
  catalog.register_service("dc1", "node1", web("b", 81, {"secondary"}));
  EXPECT_EQ(catalog.service_instances("dc1", "web", {"primary"}).size(), 1u);
  EXPECT_EQ(catalog.service_instances("dc1", "web", {"primary", "eu"}).size(), 1u);
  EXPECT_EQ(catalog.service_instances("dc1", "web", {"primary", "us"}).size(), 0u);
  auto tags = catalog.service_tags("dc1");
  EXPECT_EQ(tags.at("web"), (std::vector<std::string>{"Primary", "eu", "secondary"}));
}

TEST_F(ConsulCatalogTest, HealthFollowsWorstCheck) {
  auto reg = web("web-1", 80);
  reg.checks.push_back(ttl_check(10s));
  catalog.register_service("dc1", "node1", reg);
  EXPECT_EQ(worst_status(checks_of("web-1")), HealthStatus::critical);
  EXPECT_EQ(catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::passing, "ok"), CheckUpdate::updated);
  EXPECT_EQ(worst_status(checks_of("web-1")), HealthStatus::passing);
  EXPECT_EQ(catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::warning, "meh"), CheckUpdate::updated);
  EXPECT_EQ(worst_status(checks_of("web-1")), HealthStatus::warning);
  EXPECT_EQ(catalog.update_ttl_check("dc1", "node1", "nope", HealthStatus::passing, ""), CheckUpdate::unknown_check);
  EXPECT_EQ(catalog.update_ttl_check("dc1", "node1", "serfHealth", HealthStatus::passing, ""), CheckUpdate::not_ttl);
  EXPECT_TRUE(catalog.set_check_status("dc1", "node1", "serfHealth", HealthStatus::critical, "gone"));
  EXPECT_EQ(worst_status(checks_of("web-1")), HealthStatus::critical);
}

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

TEST_F(ConsulCatalogTest, NodeMaintenanceAddsACriticalCheckAndRemovesIt) {
  catalog.register_service("dc1", "node1", web("web-1", 80));
  const auto index = catalog.index();
  ASSERT_TRUE(catalog.set_node_maintenance("dc1", "node1", true, ""));
  EXPECT_EQ(catalog.index(), index + 1);
  const Node* node = catalog.find_node("dc1", "node1");
  const Check& m = node->checks.at("_node_maintenance");
  EXPECT_EQ(m.name, "Node Maintenance Mode");
  EXPECT_EQ(m.status, HealthStatus::critical);
  EXPECT_EQ(m.type, "maintenance");
  EXPECT_EQ(m.notes, "Maintenance mode is enabled for this node, but no reason was provided. This is a default message.");
  EXPECT_TRUE(m.service_id.empty());
  ASSERT_TRUE(catalog.set_node_maintenance("dc1", "node1", true, "again"));  // already on: no write
  EXPECT_EQ(catalog.index(), index + 1);
  ASSERT_TRUE(catalog.set_node_maintenance("dc1", "node1", false, ""));
  EXPECT_EQ(node->checks.count("_node_maintenance"), 0u);
  EXPECT_FALSE(catalog.set_node_maintenance("dc1", "nope", true, ""));
}

TEST_F(ConsulCatalogTest, AgentCheckRegisterAndDeregister) {
  catalog.register_service("dc1", "node1", web("web-1", 80));
  CheckDefinition disk = ttl_check(30s);
  disk.id = "disk";
  disk.name = "disk";
  ASSERT_TRUE(catalog.register_check("dc1", "node1", disk, ""));
  CheckDefinition api = ttl_check(30s);
  api.id = "web-1-api";
  api.name = "api";
  api.status = HealthStatus::passing;
  ASSERT_TRUE(catalog.register_check("dc1", "node1", api, "web-1"));
  EXPECT_FALSE(catalog.register_check("dc1", "node1", api, "no-such-service"));
  const Node* node = catalog.find_node("dc1", "node1");
  EXPECT_TRUE(node->checks.at("disk").service_id.empty());
  EXPECT_EQ(node->checks.at("disk").status, HealthStatus::critical);
  EXPECT_EQ(node->checks.at("web-1-api").service_id, "web-1");
  EXPECT_EQ(node->checks.at("web-1-api").service_name, "web");
  EXPECT_EQ(checks_of("web-1").size(), 3u) << "serfHealth, the node check and the service's own";
  ASSERT_TRUE(catalog.deregister_check("dc1", "node1", "web-1-api"));
  EXPECT_FALSE(catalog.deregister_check("dc1", "node1", "web-1-api"));
  EXPECT_EQ(checks_of("web-1").size(), 2u);
}

TEST_F(ConsulCatalogTest, ReRegisterKeepsCheckStatus) {
  auto reg = web("web-1", 80);
  reg.checks.push_back(ttl_check(10s));
  catalog.register_service("dc1", "node1", reg);
  catalog.update_ttl_check("dc1", "node1", "service:web-1", HealthStatus::passing, "ok");
  reg.service.tags = {"new"};
  catalog.register_service("dc1", "node1", reg);
  EXPECT_EQ(checks_of("web-1")[1]->status, HealthStatus::passing);
}

TEST_F(ConsulCatalogTest, DeregisterAllDropsServicesButKeepsNode) {
  catalog.register_service("dc1", "node1", web("a", 80));
  catalog.register_service("dc1", "node1", web("b", 81));
  EXPECT_EQ(catalog.deregister_all_services("dc1", "node1"), 2u);
  EXPECT_TRUE(catalog.service_instances("dc1", "web").empty());
  EXPECT_NE(catalog.find_node("dc1", "node1"), nullptr);
  EXPECT_EQ(catalog.deregister_all_services("dc1", "node1"), 0u);
}

TEST_F(ConsulCatalogTest, KvPutGetListDeleteWithCas) {
  auto& kv = catalog.kv();
  EXPECT_TRUE(kv.put("app/a", "1", 0));
  EXPECT_TRUE(kv.put("app/b/c", "2", 7));
  EXPECT_FALSE(kv.put("app/a", "x", 0, 0u));  // cas=0: only if absent
  const auto modify = kv.get("app/a")->modify_index;
  EXPECT_TRUE(kv.put("app/a", "3", 0, modify));
  EXPECT_EQ(kv.get("app/a")->value, "3");
  EXPECT_EQ(kv.list("app/").size(), 2u);
  EXPECT_EQ(kv.keys("app/", "/"), (std::vector<std::string>{"app/a", "app/b/"}));
  EXPECT_TRUE(kv.erase("app/", true));
  EXPECT_EQ(kv.size(), 0u);
}

TEST_F(ConsulCatalogTest, UnknownNodeAndDatacenter) {
  EXPECT_FALSE(catalog.register_service("dc1", "ghost", web("a", 80)));
  EXPECT_TRUE(catalog.has_datacenter("DC1"));
  EXPECT_FALSE(catalog.has_datacenter("dc2"));
  catalog.upsert_node("dc2", "n2", "127.0.0.2");
  EXPECT_EQ(catalog.datacenters(), (std::vector<std::string>{"dc1", "dc2"}));
}

}  // namespace

// ---- Consul's check-state semantics (agent/local/state.go, agent/checks/check.go, agent/agent.go) ----

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

// ?replace-existing-checks: checks of the service missing from the request are removed;
// without it they stay.
TEST_F(ConsulCatalogTest, ReplaceExistingChecksDropsChecksMissingFromTheRequest) {
  auto reg = web("web-1", 80);
  reg.checks = {ttl_check(10s), ttl_check(20s)};  // service:web-1:1 and :2
  catalog.register_service("dc1", "node1", reg);
  reg.checks = {ttl_check(10s)};  // now "service:web-1"
  catalog.register_service("dc1", "node1", reg);
  EXPECT_EQ(checks_of("web-1").size(), 4u) << "serfHealth and all three";
  reg.replace_existing_checks = true;
  catalog.register_service("dc1", "node1", reg);
  const auto checks = checks_of("web-1");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[1]->id, "service:web-1");
}
