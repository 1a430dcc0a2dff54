// Several datacenters in one process (--agent NAME=IP:PORT,dc=DC): each has its own catalog,
// health, KV and index; ?dc= on catalog, health and KV reads and writes answers for that
// datacenter as Consul's forwarding to its servers does; unknown ones are 500 No path to
// datacenter; /v1/catalog/datacenters lists the asking agent's own first.
#include "tests/fakes/consul/consul_fixture.hpp"

#include <future>

namespace consul_test {
namespace {

using namespace std::chrono_literals;

class DatacentersTest : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.agent.datacenter = "dc1";
    options.agents.push_back({"east1", "127.0.0.1", 0, "", "dc2"});
    options.agents.push_back({"east2", "127.0.0.1", 0, "", "dc2"});
    start(options);
    east1_ = fakes::http::Endpoint::tcp("127.0.0.1", fake_->agent_ports()[0]);
    east2_ = fakes::http::Endpoint::tcp("127.0.0.1", fake_->agent_ports()[1]);
  }
  ClientResponse at(const fakes::http::Endpoint& agent, verb method, const std::string& target,
                    const std::string& body = {}) {
    return fakes::http::fetch(agent, method, target, body);
  }
  std::vector<std::string> nodes_of(const json& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e["Node"].is_object() ? e["Node"]["Node"] : e["Node"]);  // health nests it
    return out;
  }
  fakes::http::Endpoint east1_, east2_;
};

TEST_F(DatacentersTest, EachDatacenterHasItsOwnCatalogReachedWithDc) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"w1","Name":"web","Port":80})").status, 200u);
  ASSERT_EQ(at(east1_, verb::put, "/v1/agent/service/register", R"({"ID":"w2","Name":"web","Port":81})").status, 200u);

  EXPECT_EQ(nodes_of(get_json("/v1/catalog/service/web")), std::vector<std::string>{"node1"});
  EXPECT_EQ(nodes_of(get_json("/v1/catalog/service/web?dc=dc2")), std::vector<std::string>{"east1"});
  EXPECT_EQ(nodes_of(json::parse(at(east2_, verb::get, "/v1/catalog/service/web").body)),
            std::vector<std::string>{"east1"})
      << "an agent reads its own datacenter";
  EXPECT_EQ(nodes_of(json::parse(at(east2_, verb::get, "/v1/catalog/service/web?dc=dc1").body)),
            std::vector<std::string>{"node1"});
  EXPECT_EQ(nodes_of(get_json("/v1/catalog/nodes?dc=dc2")), (std::vector<std::string>{"east1", "east2"}));
  EXPECT_EQ(nodes_of(get_json("/v1/health/service/web?dc=DC2")), std::vector<std::string>{"east1"})
      << "datacenter names match case-insensitively";
  EXPECT_EQ(get_json("/v1/catalog/node/east1?dc=dc2")["Node"]["Datacenter"], "dc2");

  // Agent endpoints answer for the agent itself, ?dc= or not.
  EXPECT_TRUE(json::parse(at(east1_, verb::get, "/v1/agent/services?dc=dc1").body).contains("w2"));
  EXPECT_EQ(json::parse(at(east1_, verb::get, "/v1/agent/self").body)["Config"]["Datacenter"], "dc2");

  auto unknown = get("/v1/catalog/service/web?dc=dc9");
  EXPECT_EQ(unknown.status, 500u);
  EXPECT_EQ(unknown.body, "No path to datacenter");
  EXPECT_EQ(put("/v1/kv/x?dc=dc9", "v").status, 500u);
}

TEST_F(DatacentersTest, DatacentersListTheAskingAgentsOwnFirst) {
  EXPECT_EQ(get_json("/v1/catalog/datacenters"), json({"dc1", "dc2"}));
  EXPECT_EQ(json::parse(at(east1_, verb::get, "/v1/catalog/datacenters").body), json({"dc2", "dc1"}));
}

TEST_F(DatacentersTest, WritesWithDcLandInThatDatacenterWithItsOwnIndex) {
  ASSERT_EQ(put("/v1/kv/color?dc=dc2", "blue").body, "true");
  EXPECT_EQ(get("/v1/kv/color").status, 404u) << "dc1's KV is another store";
  EXPECT_EQ(get("/v1/kv/color?dc=dc2&raw").body, "blue");
  EXPECT_EQ(at(east2_, verb::get, "/v1/kv/color?raw").body, "blue");
  EXPECT_EQ(fakes::http::fetch(east1_, verb::delete_, "/v1/kv/color?dc=dc1").body, "true")
      << "deleting a missing key in dc1 is still true";
  EXPECT_EQ(get("/v1/kv/color?dc=dc2&raw").body, "blue");

  // A catalog registration goes to the datacenter its body names, unless ?dc= says otherwise.
  ASSERT_EQ(put("/v1/catalog/register", R"({"Datacenter":"dc2","Node":"ext","Address":"10.0.0.9",
                                            "Service":{"Service":"db","Port":5432}})")
                .status,
            200u);
  EXPECT_EQ(nodes_of(get_json("/v1/catalog/service/db?dc=dc2")), std::vector<std::string>{"ext"});
  EXPECT_TRUE(get_json("/v1/catalog/service/db").empty());
  ASSERT_EQ(put("/v1/catalog/register?dc=dc1", R"({"Datacenter":"dc2","Node":"ext1","Address":"10.0.0.8",
                                                  "Service":{"Service":"db","Port":5432}})")
                .status,
            200u);
  EXPECT_EQ(nodes_of(get_json("/v1/catalog/service/db")), std::vector<std::string>{"ext1"});
  auto bad = put("/v1/catalog/register", R"({"Datacenter":"dc7","Node":"x","Address":"10.0.0.7"})");
  EXPECT_EQ(bad.status, 500u);
  EXPECT_EQ(bad.body, "No path to datacenter");

  // Each datacenter counts its own Raft index: dc1's moves, dc2's stays.
  const auto dc2_index = std::stoull(get("/v1/catalog/services?dc=dc2").header("x-consul-index"));
  const auto dc1_index = std::stoull(get("/v1/catalog/services").header("x-consul-index"));
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"w1","Name":"web","Port":80})").status, 200u);
  EXPECT_GT(std::stoull(get("/v1/catalog/services").header("x-consul-index")), dc1_index);
  EXPECT_EQ(std::stoull(get("/v1/catalog/services?dc=dc2").header("x-consul-index")), dc2_index);
}

TEST_F(DatacentersTest, BlockingQueryWithDcWakesOnThatDatacentersChange) {
  const auto index = get("/v1/catalog/service/web?dc=dc2").header("x-consul-index");
  auto watcher = std::async(std::launch::async, [&] {
    return get("/v1/catalog/service/web?dc=dc2&index=" + index + "&wait=20s", {}, 30s);
  });
  // A dc1 change does not answer it; a dc2 change does.
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"w1","Name":"web","Port":80})").status, 200u);
  EXPECT_EQ(watcher.wait_for(200ms), std::future_status::timeout);
  ASSERT_EQ(at(east2_, verb::put, "/v1/agent/service/register", R"({"ID":"w3","Name":"web","Port":82})").status, 200u);
  ASSERT_EQ(watcher.wait_for(10s), std::future_status::ready);
  auto res = watcher.get();
  EXPECT_EQ(nodes_of(json::parse(res.body)), std::vector<std::string>{"east2"});
  EXPECT_GT(std::stoull(res.header("x-consul-index")), std::stoull(index));
}

}  // namespace
}  // namespace consul_test
