// The pure catalog: registrations and their Raft indexes, check IDs and names, tag filters,
// maintenance, node checks, KV, unknown nodes and datacenters.
#include "tests/fakes/consul/state/catalog_fixture.hpp"

namespace catalog_test {
namespace {

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

}  // namespace
}  // namespace catalog_test
