// /v1/agent/health/service/id/:id and /name/:name with Consul's semantics: aggregated status
// (maintenance > critical > warning > passing) as 200 / 429 / 503, 404 for unknown services,
// ?format=text and Accept: text/plain for the bare status word, X-Consul-Reason.
#include "tests/fakes/consul/consul_fixture.hpp"

#include <set>

namespace consul_test {
namespace {

class AgentHealthTest : public ConsulFixture {
 protected:
  void SetUp() override {
    start();
    for (const char* id : {"web1", "web2"})
      EXPECT_EQ(put("/v1/agent/service/register", std::string(R"({"ID":")") + id +
                                                      R"(","Name":"web","Port":80,"Tags":["a"],"Check":{"CheckID":"ttl-)" +
                                                      id + R"(","TTL":"60s","Status":"passing"}})")
                    .status,
                200u);
  }
};

TEST_F(AgentHealthTest, ByIdAnswersTheAggregatedStatusAsTheCode) {
  auto res = get("/v1/agent/health/service/id/web1");
  EXPECT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.header("x-consul-reason"), "passing");
  auto body = json::parse(res.body);
  EXPECT_EQ(body["AggregatedStatus"], "passing");
  EXPECT_EQ(body["Service"]["ID"], "web1");
  EXPECT_EQ(body["Service"]["Service"], "web");
  ASSERT_EQ(body["Checks"].size(), 1u) << body.dump() << " (serfHealth is the servers', not the agent's)";
  EXPECT_EQ(body["Checks"][0]["CheckID"], "ttl-web1");
  EXPECT_EQ(body["Checks"][0]["ServiceTags"], json({"a"}));

  ASSERT_EQ(put("/v1/agent/check/warn/ttl-web1?note=slow").status, 200u);
  res = get("/v1/agent/health/service/id/web1");
  EXPECT_EQ(res.status, 429u);
  EXPECT_EQ(json::parse(res.body)["AggregatedStatus"], "warning");
  EXPECT_EQ(json::parse(res.body)["Checks"][0]["Output"], "slow");

  ASSERT_EQ(put("/v1/agent/check/fail/ttl-web1").status, 200u);
  EXPECT_EQ(get("/v1/agent/health/service/id/web1").status, 503u);
  EXPECT_EQ(get("/v1/agent/health/service/id/web2").status, 200u) << "the other instance is unaffected";

  // A node check of the agent counts for every service on it.
  ASSERT_EQ(put("/v1/agent/check/register", R"({"ID":"disk","Name":"disk","TTL":"60s","Status":"warning"})").status, 200u);
  res = get("/v1/agent/health/service/id/web2");
  EXPECT_EQ(res.status, 429u);
  EXPECT_EQ(json::parse(res.body)["Checks"].size(), 2u);
}

TEST_F(AgentHealthTest, MaintenanceIs503AndNamedMaintenance) {
  ASSERT_EQ(put("/v1/agent/service/maintenance/web2?enable=true&reason=upgrade").status, 200u);
  auto res = get("/v1/agent/health/service/id/web2?format=text");
  EXPECT_EQ(res.status, 503u);
  EXPECT_EQ(res.body, "maintenance");
  EXPECT_EQ(res.header("content-type"), "text/plain");
}

TEST_F(AgentHealthTest, ByNameListsEveryInstanceAndAnswersTheWorst) {
  auto res = get("/v1/agent/health/service/name/web");
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(json::parse(res.body).size(), 2u);
  ASSERT_EQ(put("/v1/agent/check/warn/ttl-web2").status, 200u);
  EXPECT_EQ(get("/v1/agent/health/service/name/web").status, 429u);
  ASSERT_EQ(put("/v1/agent/check/fail/ttl-web1").status, 200u);
  res = get("/v1/agent/health/service/name/web", {{"Accept", "text/plain"}});
  EXPECT_EQ(res.status, 503u);
  EXPECT_EQ(res.body, "critical");
  auto all = json::parse(get("/v1/agent/health/service/name/web").body);
  std::set<std::string> statuses;
  for (const auto& e : all) statuses.insert(e["AggregatedStatus"]);
  EXPECT_EQ(statuses, (std::set<std::string>{"critical", "warning"}));
}

TEST_F(AgentHealthTest, UnknownServicesAre404WithConsulsReasons) {
  auto res = get("/v1/agent/health/service/id/nope");
  EXPECT_EQ(res.status, 404u);
  EXPECT_EQ(json::parse(res.body), json({{"AggregatedStatus", "critical"}, {"Service", nullptr}, {"Checks", nullptr}}));
  EXPECT_EQ(res.header("x-consul-reason"), "ServiceId nope not found");
  EXPECT_EQ(get("/v1/agent/health/service/id/nope?format=text").body, "ServiceId nope not found");

  res = get("/v1/agent/health/service/name/nope");
  EXPECT_EQ(res.status, 404u);
  EXPECT_EQ(res.body, "[]");
  EXPECT_EQ(get("/v1/agent/health/service/name/nope?format=text").body, "ServiceName nope Not Found");
  EXPECT_EQ(get("/v1/agent/health/service/name/WEB").status, 404u) << "the agent matches names exactly";

  EXPECT_EQ(get("/v1/agent/health/service/id/").status, 400u);
  EXPECT_EQ(get("/v1/agent/health/service/id/").body, "Missing serviceID");
  EXPECT_EQ(get("/v1/agent/health/service/name/").body, "Missing service Name");
  EXPECT_EQ(put("/v1/agent/health/service/id/web1").status, 405u);
}

}  // namespace
}  // namespace consul_test
