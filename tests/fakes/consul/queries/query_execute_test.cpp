// /v1/query/<id or name>/execute and /explain: the healthy instances (OnlyPassing, ignored
// checks), required and forbidden tags, ?limit=, Near, failover to other datacenters
// (NearestN, Datacenters, unknown ones skipped) and templates rendered from the looked-up name.
#include "tests/fakes/consul/queries/query_fixture.hpp"

namespace consul_test {
namespace {

class QueryExecuteTest : public QueryFixture {
 protected:
  void SetUp() override {
    QueryFixture::SetUp();
    register_on("node2", "10.0.0.2", "w-primary", R"(["primary"])", "passing");
    register_on("node3", "10.0.0.3", "w-canary", R"(["primary","canary"])", "passing");
    register_on("node4", "10.0.0.4", "w-warn", R"(["primary"])", "warning");
    register_on("node5", "10.0.0.5", "w-down", R"(["primary"])", "critical");
    register_on("node6", "10.0.0.6", "w-secondary", R"(["Secondary"])", "passing");
  }
};

TEST_F(QueryExecuteTest, AnswersTheHealthyInstancesInConsulsShape) {
  const std::string id = create(R"({"Name":"all","Service":{"Service":"web"},"DNS":{"TTL":"30s"}})");
  const json answer = execute(id);
  std::set<std::string> keys;
  for (auto it = answer.begin(); it != answer.end(); ++it) keys.insert(it.key());
  EXPECT_EQ(keys, (std::set<std::string>{"Service", "Nodes", "DNS", "Datacenter", "Failovers", "Index", "LastContact",
                                         "KnownLeader", "ConsistencyLevel", "NotModified", "Backend"}));
  EXPECT_EQ(answer["Service"], "web");
  EXPECT_EQ(answer["DNS"], json({{"TTL", "30s"}}));
  EXPECT_EQ(answer["Datacenter"], "dc1");
  EXPECT_EQ(answer["Failovers"], 0);
  EXPECT_EQ(service_ids(answer), (std::vector<std::string>{"w-canary", "w-primary", "w-secondary", "w-warn"}))
      << "critical instances are left out, warning ones stay";
  const json& entry = answer["Nodes"][0];
  EXPECT_TRUE(entry["Node"].contains("Address"));
  EXPECT_TRUE(entry["Service"].contains("Port"));
  ASSERT_TRUE(entry["Checks"].is_array());
  EXPECT_EQ(entry["Checks"][0]["CheckID"], "serfHealth");
  EXPECT_EQ(service_ids(execute("all")), service_ids(answer)) << "by name as by ID";
}

TEST_F(QueryExecuteTest, TagsOnlyPassingIgnoredChecksAndLimit) {
  create(R"({"Name":"primary-stable","Service":{"Service":"web","Tags":["PRIMARY","!canary"]}})");
  EXPECT_EQ(service_ids(execute("primary-stable")), (std::vector<std::string>{"w-primary", "w-warn"}))
      << "tags match case-insensitively; !canary forbids";
  create(R"({"Name":"passing","Service":{"Service":"web","OnlyPassing":true,"Tags":["primary"]}})");
  EXPECT_EQ(service_ids(execute("passing")), (std::vector<std::string>{"w-canary", "w-primary"}));
  create(R"({"Name":"ignoring","Service":{"Service":"web","IgnoreCheckIDs":["c-w-down"],"Tags":["primary","!canary"]}})");
  EXPECT_EQ(service_ids(execute("ignoring")), (std::vector<std::string>{"w-down", "w-primary", "w-warn"}));
  create(R"({"Name":"meta","Service":{"Service":"web","NodeMeta":{"rack":"r9"}}})");
  EXPECT_EQ(service_ids(execute("meta")), std::vector<std::string>{});

  EXPECT_EQ(execute("primary-stable", "?limit=1")["Nodes"].size(), 1u);
  EXPECT_EQ(execute("primary-stable", "?limit=0")["Nodes"].size(), 2u) << "0 is no limit";
}

TEST_F(QueryExecuteTest, NearPutsThatNodeFirst) {
  create(R"({"Name":"near3","Service":{"Service":"web","Near":"node3"}})");
  for (int i = 0; i < 20; ++i) ASSERT_EQ(execute("near3")["Nodes"][0]["Node"]["Node"], "node3") << "try " << i;
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(execute("near3", "?near=node6")["Nodes"][0]["Node"]["Node"], "node6") << "?near= overrides; try " << i;
}

TEST_F(QueryExecuteTest, FailsOverWhenNoLocalInstanceIsHealthy) {
  ASSERT_EQ(fakes::http::fetch(east1_, verb::put, "/v1/agent/service/register",
                               R"({"ID":"api-east","Name":"api","Port":9000,"Address":"10.1.0.1"})")
                .status,
            200u);
  ASSERT_EQ(put("/v1/catalog/register",
                R"({"Node":"node7","Address":"10.0.0.7","Service":{"ID":"api-west","Service":"api","Port":9000},)"
                R"("Check":{"CheckID":"c-api-west","Name":"probe","ServiceID":"api-west","Status":"critical"}})")
                .status,
            200u);

  create(R"({"Name":"api-local","Service":{"Service":"api"}})");
  json local = execute("api-local");
  EXPECT_EQ(local["Nodes"], json::array());
  EXPECT_EQ(local["Datacenter"], "dc1");
  EXPECT_EQ(local["Failovers"], 0);

  create(R"({"Name":"api-nearest","Service":{"Service":"api","Failover":{"NearestN":1}}})");
  json nearest = execute("api-nearest");
  EXPECT_EQ(service_ids(nearest), std::vector<std::string>{"api-east"});
  EXPECT_EQ(nearest["Datacenter"], "dc2");
  EXPECT_EQ(nearest["Failovers"], 1);

  create(R"({"Name":"api-listed","Service":{"Service":"api","Failover":{"Datacenters":["dc9","dc2"]}}})");
  json listed = execute("api-listed");
  EXPECT_EQ(service_ids(listed), std::vector<std::string>{"api-east"});
  EXPECT_EQ(listed["Failovers"], 1) << "the unknown dc9 is skipped, not tried";

  // Healthy again at home: no failover.
  ASSERT_EQ(put("/v1/catalog/register",
                R"({"Node":"node7","Address":"10.0.0.7","Service":{"ID":"api-west","Service":"api","Port":9000},)"
                R"("Check":{"CheckID":"c-api-west","Name":"probe","ServiceID":"api-west","Status":"passing"}})")
                .status,
            200u);
  json home = execute("api-nearest");
  EXPECT_EQ(service_ids(home), std::vector<std::string>{"api-west"});
  EXPECT_EQ(home["Datacenter"], "dc1");
  EXPECT_EQ(home["Failovers"], 0);
}

TEST_F(QueryExecuteTest, TemplatesRenderTheLookedUpName) {
  const std::string tmpl = create(R"({"Name":"geo-","Template":{"Type":"name_prefix_match","Regexp":"^geo-([a-z]+)-(.*)$",)"
                                  R"("RemoveEmptyTags":true},"Service":{"Service":"${match(1)}","Tags":["${match(2)}","${match(7)}"]}})");
  json explained = get_json("/v1/query/geo-web-primary/explain");
  EXPECT_EQ(explained["Query"]["Service"]["Service"], "web");
  EXPECT_EQ(explained["Query"]["Service"]["Tags"], json::array({"primary"})) << "the empty ${match(7)} removed";
  EXPECT_EQ(explained["Query"]["ID"], tmpl);
  EXPECT_EQ(service_ids(execute("geo-web-primary")), (std::vector<std::string>{"w-canary", "w-primary", "w-warn"}));

  create(R"({"Name":"svc-","Template":{"Type":"name_prefix_match"},"Service":{"Service":"${name.suffix}"}})");
  EXPECT_EQ(get_json("/v1/query/svc-web/explain")["Query"]["Service"]["Service"], "web");
  create(R"({"Name":"svc-special","Service":{"Service":"nothing"}})");
  EXPECT_EQ(get_json("/v1/query/svc-special/explain")["Query"]["Service"]["Service"], "nothing")
      << "an exact name beats a template prefix";
  create(R"({"Name":"svc-w","Template":{"Type":"name_prefix_match"},"Service":{"Service":"long:${name.prefix}:${name.full}"}})");
  EXPECT_EQ(get_json("/v1/query/svc-web/explain")["Query"]["Service"]["Service"], "long:svc-w:svc-web")
      << "the longest prefix wins";
  create(R"({"Name":"","Template":{"Type":"name_prefix_match"},"Service":{"Service":"${name.full}"}})");
  EXPECT_EQ(get_json("/v1/query/web/explain")["Query"]["Service"]["Service"], "web") << "the catch-all template";

  auto by_id = get("/v1/query/" + tmpl + "/execute");
  EXPECT_EQ(by_id.status, 500u);
  EXPECT_EQ(by_id.body, "prepared query templates can only be resolved up by name, not by ID");
  auto second_catch_all = post("/v1/query", R"({"Name":"","Template":{"Type":"name_prefix_match"},"Service":{"Service":"x"}})");
  EXPECT_EQ(second_catch_all.status, 500u);
  EXPECT_EQ(second_catch_all.body, "a query template with an empty name already exists");
}

}  // namespace
}  // namespace consul_test
