// PUT /v1/catalog/register and /v1/catalog/deregister, ?node-meta= filters, and the agents'
// anti-entropy that re-asserts what a catalog write took from an agent's own node.
#include "tests/fakes/consul/consul_fixture.hpp"

namespace consul_test {
namespace {

using namespace std::chrono_literals;

const std::string kExternalDb = R"({"Node":"ext1","Address":"10.0.0.9","NodeMeta":{"rack":"r1"},
  "Service":{"Service":"db","Port":5432,"Tags":["primary"]},
  "Check":{"Name":"db alive","Status":"passing","ServiceID":"db","Definition":{"TCP":"10.0.0.9:5432","Interval":"10s"}}})";

class CatalogRegisterTest : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.anti_entropy_interval = 0ms;  // syncs only when a test asks
    start(options);
  }
  std::vector<std::string> service_ids(const std::string& name, const std::string& query = "") {
    std::vector<std::string> ids;
    for (const auto& e : get_json("/v1/catalog/service/" + name + query)) ids.push_back(e["ServiceID"]);
    return ids;
  }
};

TEST_F(CatalogRegisterTest, RegistersAnExternalNodeWithServiceAndCheckAndDeregistersThem) {
  auto res = put("/v1/catalog/register", kExternalDb);
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(json::parse(res.body), true);
  const auto entries = get_json("/v1/catalog/service/db");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["Node"], "ext1");
  EXPECT_EQ(entries[0]["Address"], "10.0.0.9");
  EXPECT_EQ(entries[0]["NodeMeta"]["rack"], "r1");
  EXPECT_EQ(entries[0]["ServiceID"], "db") << "the ID defaults to the name";
  EXPECT_EQ(entries[0]["ServicePort"], 5432);
  const auto health = get_json("/v1/health/service/db");
  ASSERT_EQ(health.size(), 1u);
  const auto& checks = health[0]["Checks"];
  ASSERT_EQ(checks.size(), 2u) << checks.dump();  // serfHealth, then the service's check
  EXPECT_EQ(checks[1]["CheckID"], "db alive") << "the ID defaults to the name";
  EXPECT_EQ(checks[1]["Status"], "passing");
  EXPECT_EQ(checks[1]["ServiceName"], "db");
  EXPECT_EQ(checks[1]["Definition"]["TCP"], "10.0.0.9:5432");
  EXPECT_TRUE(get_json("/v1/catalog/node/ext1")["Services"].contains("db"));

  EXPECT_EQ(json::parse(put("/v1/catalog/deregister", R"({"Node":"ext1","ServiceID":"db"})").body), true);
  EXPECT_EQ(get_json("/v1/catalog/service/db"), json::array());
  EXPECT_EQ(get_json("/v1/health/checks/db"), json::array()) << "its checks go with it";
  EXPECT_FALSE(get_json("/v1/catalog/node/ext1").is_null()) << "the node stays";
  EXPECT_EQ(put("/v1/catalog/deregister", R"({"Node":"ext1"})").status, 200u);
  EXPECT_TRUE(get_json("/v1/catalog/node/ext1").is_null());
  EXPECT_EQ(put("/v1/catalog/deregister", R"({"Node":"ext1"})").status, 200u) << "already gone is fine";
}

TEST_F(CatalogRegisterTest, CheckWithoutStatusIsCritical) {
  ASSERT_EQ(put("/v1/catalog/register", R"({"Node":"ext1","Address":"10.0.0.9","Check":{"Name":"disk"}})").status, 200u);
  const auto checks = get_json("/v1/health/node/ext1");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0]["CheckID"], "disk");
  EXPECT_EQ(checks[0]["Status"], "critical");
}

TEST_F(CatalogRegisterTest, BadRequestsNameTheProblemAndChangeNothing) {
  const auto index_before = get("/v1/catalog/nodes").header("x-consul-index");
  struct Case {
    std::string body;
    unsigned status;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"", 400, "Request decode failed: EOF"},
           {"[]", 400, "Request decode failed: json: cannot unmarshal array into Go value of type structs.RegisterRequest"},
           {R"({"Node":5})", 400, "Request decode failed: json: cannot unmarshal number 5 into Go struct field RegisterRequest.Node of type string"},
           {"{}", 500, "Must provide node"},
           {R"({"Node":"x"})", 500, "Must provide address if SkipNodeUpdate is not set"},
           {R"({"Node":"x","Address":"10.0.0.1","Service":{"ID":"a"}})", 500,
            "Must provide service name (Service.Service) when service ID is provided"},
           {R"({"Node":"x","Address":"10.0.0.1","Service":{"Service":"a","Address":"0.0.0.0"}})", 500,
            "Invalid service address"},
           {R"({"Node":"x","Address":"10.0.0.1","Check":{"Name":"c","ServiceID":"nope"}})", 500,
            "Missing service registration"},
           {R"({"Node":"x","Address":"10.0.0.1","Datacenter":"dc9"})", 500, "No path to datacenter"}}) {
    auto res = put("/v1/catalog/register", c.body);
    EXPECT_EQ(res.status, c.status) << c.body;
    EXPECT_EQ(res.body, c.message) << c.body;
  }
  EXPECT_EQ(put("/v1/catalog/deregister", "{}").body, "Must provide node");
  EXPECT_EQ(get("/v1/catalog/register").status, 405u);
  EXPECT_TRUE(get_json("/v1/catalog/node/x").is_null()) << "nothing half-registered";
  EXPECT_EQ(get("/v1/catalog/nodes").header("x-consul-index"), index_before);
}

TEST_F(CatalogRegisterTest, NodeMetaFiltersCatalogAndHealthReads) {
  ASSERT_EQ(put("/v1/catalog/register", kExternalDb).status, 200u);
  ASSERT_EQ(put("/v1/catalog/register", R"({"Node":"ext2","Address":"10.0.0.10","NodeMeta":{"rack":"r2"},
                                           "Service":{"Service":"db","Port":5432}})")
                .status,
            200u);
  EXPECT_EQ(service_ids("db").size(), 2u);
  const auto r2 = get_json("/v1/catalog/service/db?node-meta=rack:r2");
  ASSERT_EQ(r2.size(), 1u);
  EXPECT_EQ(r2[0]["Node"], "ext2");
  EXPECT_EQ(get_json("/v1/catalog/service/db?node-meta=rack:r1&node-meta=zone:a"), json::array())
      << "every filter must match";
  const auto nodes = get_json("/v1/catalog/nodes?node-meta=rack:r1");
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0]["Node"], "ext1");
  const auto health = get_json("/v1/health/service/db?node-meta=rack:r2");
  ASSERT_EQ(health.size(), 1u);
  EXPECT_EQ(health[0]["Node"]["Node"], "ext2");
}

// Consul's anti-entropy (agent/local/state.go): the agent owns what was registered through it
// and re-asserts it; what the catalog API put on the agent's node is deleted.
TEST_F(CatalogRegisterTest, AntiEntropyRestoresAgentServicesAndRemovesForeignOnes) {
  ASSERT_EQ(put("/v1/agent/service/register",
                R"({"ID":"web1","Name":"web","Port":80,"Check":{"TTL":"30s","Status":"passing"}})")
                .status,
            200u);
  ASSERT_EQ(put("/v1/catalog/deregister", R"({"Node":"node1","ServiceID":"web1"})").status, 200u);
  ASSERT_EQ(put("/v1/catalog/register", R"({"Node":"node1","Address":"127.0.0.1",
                                           "Service":{"Service":"intruder","Port":1}})")
                .status,
            200u);
  EXPECT_EQ(service_ids("web"), std::vector<std::string>{});
  EXPECT_EQ(service_ids("intruder"), std::vector<std::string>{"intruder"});
  const auto agent_view = get_json("/v1/agent/services");
  EXPECT_TRUE(agent_view.contains("web1")) << "the agent still has it: " << agent_view.dump();
  EXPECT_FALSE(agent_view.contains("intruder")) << "not the agent's";
  EXPECT_EQ(fake_->anti_entropy_sync(), 3u) << "intruder out, web1 and its check back";
  EXPECT_EQ(service_ids("web"), std::vector<std::string>{"web1"});
  EXPECT_EQ(service_ids("intruder"), std::vector<std::string>{});
  const auto checks = get_json("/v1/health/checks/web");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0]["Status"], "passing") << "the check comes back as the agent knows it";
  EXPECT_EQ(fake_->anti_entropy_sync(), 0u) << "in sync: no write";

  // A catalog overwrite of the agent's service is undone as well.
  ASSERT_EQ(put("/v1/catalog/register", R"({"Node":"node1","Address":"127.0.0.1",
                                           "Service":{"ID":"web1","Service":"web","Port":9999}})")
                .status,
            200u);
  EXPECT_EQ(get_json("/v1/catalog/service/web")[0]["ServicePort"], 9999);
  fake_->anti_entropy_sync();
  EXPECT_EQ(get_json("/v1/catalog/service/web")[0]["ServicePort"], 80);
}

TEST_F(CatalogRegisterTest, AgentDeregisterOfACatalogRemovedServiceIsFinal) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"web1","Name":"web","Port":80})").status, 200u);
  ASSERT_EQ(put("/v1/catalog/deregister", R"({"Node":"node1","ServiceID":"web1"})").status, 200u);
  EXPECT_EQ(put("/v1/agent/service/deregister/web1").status, 200u) << "still the agent's service";
  fake_->anti_entropy_sync();
  EXPECT_EQ(service_ids("web"), std::vector<std::string>{});
}

TEST_F(CatalogRegisterTest, DeregisteringTheAgentsNodeBringsNodeAndServicesBack) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"web1","Name":"web","Port":80})").status, 200u);
  ASSERT_EQ(put("/v1/catalog/deregister", R"({"Node":"node1"})").status, 200u);
  EXPECT_TRUE(get_json("/v1/catalog/node/node1").is_null());
  fake_->anti_entropy_sync();
  const auto node = get_json("/v1/catalog/node/node1");
  ASSERT_FALSE(node.is_null());
  EXPECT_EQ(node["Node"]["Address"], "127.0.0.1");
  EXPECT_TRUE(node["Services"].contains("web1"));
}

class AntiEntropyTimerTest : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.anti_entropy_interval = 200ms;
    start(options);
  }
};

TEST_F(AntiEntropyTimerTest, ServiceComesBackAtTheNextSync) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"web1","Name":"web","Port":80})").status, 200u);
  ASSERT_EQ(put("/v1/catalog/deregister", R"({"Node":"node1","ServiceID":"web1"})").status, 200u);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (get_json("/v1/catalog/service/web").empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);  // polling interval
  EXPECT_EQ(get_json("/v1/catalog/service/web").size(), 1u);
}

}  // namespace
}  // namespace consul_test
