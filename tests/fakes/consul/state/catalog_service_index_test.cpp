// The per-service-name indexes (X-Consul-Index of /v1/catalog/service/:name and
// /v1/health/service/:name): kept only while a name has instances, so a long run through
// ever new service names holds nothing for the names that are gone; a gone name answers with
// Consul's "service_last_extinction" index.
#include "fakes/consul/state/catalog.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace fakes::consul;

namespace {

ServiceRegistration service(const std::string& id, const std::string& name) {
  ServiceRegistration reg;
  reg.service.id = id;
  reg.service.name = name;
  reg.service.address = "172.17.0.3";
  reg.service.port = 80;
  return reg;
}

class ConsulServiceIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog.upsert_node("dc1", "node1", "127.0.0.1");
    catalog.upsert_node("dc1", "node2", "127.0.0.2");
  }
  ManualClock clock;
  Catalog catalog{clock, "dc1"};
};

TEST_F(ConsulServiceIndexTest, ChurnThroughNewNamesKeepsOnlyTheLiveOnes) {
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("web-1", "web")));
  for (int i = 0; i < 10'000; ++i) {
    const std::string name = "svc-" + std::to_string(i);
    ASSERT_TRUE(catalog.register_service("dc1", "node1", service(name, name)));
    ASSERT_TRUE(catalog.deregister_service("dc1", "node1", name));
  }
  EXPECT_EQ(catalog.indexed_service_names(), 1u);  // web
}

TEST_F(ConsulServiceIndexTest, EveryWayOfRemovingTheLastInstanceForgetsTheName) {
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("a", "lost-state")));
  ASSERT_TRUE(catalog.register_service("dc1", "node2", service("b", "node-gone")));
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("c", "old-name")));
  CatalogRegistration reg;
  reg.node = "node1";
  reg.address = "127.0.0.1";
  reg.service = service("d", "catalog-api").service;
  ASSERT_EQ(catalog.catalog_register(reg), "");
  ASSERT_EQ(catalog.indexed_service_names(), 4u);

  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("c", "new-name")));  // renamed in place
  CatalogDeregistration dereg;
  dereg.node = "node1";
  dereg.service_id = "d";
  catalog.catalog_deregister(dereg);
  ASSERT_TRUE(catalog.remove_node("dc1", "node2"));
  ASSERT_EQ(catalog.deregister_all_services("dc1", "node1"), 2u);  // a, c
  EXPECT_EQ(catalog.indexed_service_names(), 0u);
}

TEST_F(ConsulServiceIndexTest, NameStaysWhileAnyInstanceIsLeft) {
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("web-1", "web")));
  ASSERT_TRUE(catalog.register_service("dc1", "node2", service("web-2", "Web")));
  ASSERT_TRUE(catalog.deregister_service("dc1", "node1", "web-1"));
  const auto removed_at = catalog.index();
  EXPECT_EQ(catalog.service_index("web"), removed_at);
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("other", "other")));
  EXPECT_EQ(catalog.service_index("web"), removed_at);  // another name's write does not move it
  EXPECT_EQ(catalog.indexed_service_names(), 2u);
}

TEST_F(ConsulServiceIndexTest, GoneNameHasTheLastExtinctionIndexAndNeverGoesBack) {
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("web-1", "web")));
  const auto before = catalog.service_index("web");
  ASSERT_TRUE(catalog.deregister_service("dc1", "node1", "web-1"));
  const auto extinct_at = catalog.index();
  EXPECT_GT(extinct_at, before);
  EXPECT_EQ(catalog.service_index("web"), extinct_at);
  EXPECT_EQ(catalog.service_index("never-registered"), extinct_at);
  // Writes to names that stay do not wake watchers of a gone name...
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("db-1", "db")));
  EXPECT_EQ(catalog.service_index("web"), extinct_at);
  // ...another extinction does, and coming back moves it on again.
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("tmp", "tmp")));
  ASSERT_TRUE(catalog.deregister_service("dc1", "node1", "tmp"));
  EXPECT_GT(catalog.service_index("web"), extinct_at);
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("web-1", "web")));
  EXPECT_EQ(catalog.service_index("web"), catalog.index());
}

TEST_F(ConsulServiceIndexTest, BeforeAnyExtinctionAnUnknownNameHasTheCatalogIndex) {
  ASSERT_TRUE(catalog.register_service("dc1", "node1", service("web-1", "web")));
  EXPECT_EQ(catalog.service_index("never-registered"), catalog.index());
}

}  // namespace
