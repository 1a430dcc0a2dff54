// The read endpoints over HTTP against what Consul answers: /v1/catalog/*, /v1/health/*,
// /v1/kv/*, /v1/status/*: shapes, filters, empty lists, unknown endpoints and methods.
#include "tests/fakes/consul/endpoints/api_fixture.hpp"

namespace consul_test {
namespace {

using namespace std::chrono_literals;

TEST_F(ConsulApiTest, CatalogServiceHasConsulShapeAndQueryHeaders) {
  ASSERT_EQ(put("/v1/agent/service/register", kRegistratorBody).status, 200u);
  auto res = get("/v1/catalog/service/valami-80");
  ASSERT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("content-type"), "application/json");
  EXPECT_FALSE(res.header("x-consul-index").empty());
  EXPECT_EQ(res.header("x-consul-knownleader"), "true");
  EXPECT_EQ(res.header("x-consul-lastcontact"), "0");
  auto body = json::parse(res.body);
  ASSERT_EQ(body.size(), 1u);
  const json& e = body[0];
  for (const char* key : {"ID", "Node", "Address", "Datacenter", "TaggedAddresses", "NodeMeta", "ServiceKind", "ServiceID",
                          "ServiceName", "ServiceTags", "ServiceAddress", "ServiceWeights", "ServiceMeta", "ServicePort",
                          "ServiceEnableTagOverride", "CreateIndex", "ModifyIndex"})
    EXPECT_TRUE(e.contains(key)) << key;
  EXPECT_EQ(e["Node"], "node1");
  EXPECT_EQ(e["Address"], "127.0.0.1");
  EXPECT_EQ(e["Datacenter"], "dc1");
  EXPECT_EQ(e["ServiceID"], "host:web5:80");
  EXPECT_EQ(e["ServiceName"], "valami-80");
  EXPECT_EQ(e["ServiceTags"], json::array());
  EXPECT_EQ(e["ServiceMeta"], json::object());
  EXPECT_EQ(e["ServiceAddress"], "172.17.0.3");
  EXPECT_EQ(e["ServicePort"], 80);
  EXPECT_EQ(e["ServiceWeights"], (json{{"Passing", 1}, {"Warning", 1}}));
  EXPECT_EQ(e["ServiceEnableTagOverride"], false);
  EXPECT_EQ(std::to_string(e["ModifyIndex"].get<std::uint64_t>()), res.header("x-consul-index"));
}

TEST_F(ConsulApiTest, TtlPassMakesInstancePassingAndHealthIncludesSerfHealth) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"a","Name":"web","Port":80,"Check":{"TTL":"30s"}})").status, 200u);
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"b","Name":"web","Port":81})").status, 200u);
  auto all = get_json("/v1/health/service/web");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(keys_of(all[0]), (std::set<std::string>{"Node", "Service", "Checks"}));
  EXPECT_EQ(all[0]["Checks"][0]["CheckID"], "serfHealth");
  EXPECT_EQ(all[0]["Checks"][0]["Status"], "passing");
  EXPECT_EQ(all[0]["Checks"][1]["CheckID"], "service:a");
  EXPECT_EQ(get_json("/v1/health/service/web?passing").size(), 1u);  // only b (no failing checks)

  auto pass = put("/v1/agent/check/pass/service:a?note=fine");
  EXPECT_EQ(pass.status, 200u);
  EXPECT_EQ(pass.body, "");
  auto passing = get_json("/v1/health/service/web?passing=true");
  EXPECT_EQ(passing.size(), 2u);
  EXPECT_EQ(get_json("/v1/health/checks/web").size(), 1u);
  EXPECT_EQ(get_json("/v1/health/state/passing").size(), 2u);  // serfHealth + service:a
  EXPECT_EQ(put("/v1/agent/check/fail/service:a").status, 200u);
  EXPECT_EQ(get_json("/v1/health/state/critical")[0]["CheckID"], "service:a");
  EXPECT_EQ(get_json("/v1/health/service/web?passing").size(), 1u);
  auto unknown = put("/v1/agent/check/pass/nope");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.body, "Unknown check ID \"nope\". Ensure that the check ID is passed, not the check name.");
  EXPECT_EQ(get("/v1/health/service/web?passing=maybe").status, 400u);
  EXPECT_EQ(get("/v1/health/state/sad").status, 400u);
}

TEST_F(ConsulApiTest, TagFilterOnCatalogAndHealth) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"a","Name":"web","Tags":["primary"],"Port":80})").status, 200u);
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"b","Name":"web","Tags":["backup"],"Port":81})").status, 200u);
  auto primary = get_json("/v1/catalog/service/web?tag=primary");
  ASSERT_EQ(primary.size(), 1u);
  EXPECT_EQ(primary[0]["ServiceID"], "a");
  EXPECT_EQ(get_json("/v1/health/service/web?tag=backup")[0]["Service"]["ID"], "b");
  EXPECT_EQ(get_json("/v1/catalog/services")["web"], json::array({"backup", "primary"}));
}

TEST_F(ConsulApiTest, EmptyResultsAreEmptyListsNeverNull) {
  EXPECT_EQ(get("/v1/catalog/service/nope").body, "[]");
  EXPECT_EQ(get("/v1/health/service/nope").body, "[]");
  EXPECT_EQ(get("/v1/health/checks/nope").body, "[]");
  EXPECT_EQ(get("/v1/agent/services").body, "{}");
  EXPECT_EQ(get("/v1/agent/checks").body, "{}");
  EXPECT_EQ(get("/v1/catalog/services").body, "{}");
}

TEST_F(ConsulApiTest, CatalogNodesDatacentersAndStatus) {
  EXPECT_EQ(get_json("/v1/catalog/datacenters"), json::array({"dc1"}));
  auto nodes = get_json("/v1/catalog/nodes");
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0]["Node"], "node1");
  EXPECT_EQ(nodes[0]["Address"], "127.0.0.1");
  ASSERT_EQ(put("/v1/agent/service/register", kRegistratorBody).status, 200u);
  auto node = get_json("/v1/catalog/node/node1");
  EXPECT_EQ(node["Node"]["Node"], "node1");
  EXPECT_TRUE(node["Services"].contains("host:web5:80"));
  EXPECT_EQ(get("/v1/catalog/node/ghost").body, "null");
  EXPECT_EQ(get("/v1/status/leader").body, "\"127.0.0.1:8300\"");
  EXPECT_EQ(get_json("/v1/status/peers"), json::array({"127.0.0.1:8300"}));
  EXPECT_EQ(get_json("/v1/agent/self")["Config"]["NodeName"], "node1");
  EXPECT_EQ(get_json("/v1/agent/members")[0]["Name"], "node1");
  auto other_dc = get("/v1/catalog/service/web?dc=dc9");
  EXPECT_EQ(other_dc.status, 500u);
  EXPECT_EQ(other_dc.body, "No path to datacenter");
}

TEST_F(ConsulApiTest, UnknownEndpointIs404TextAndWrongMethodIs405) {
  auto res = get("/v1/agent/nonsense");
  EXPECT_EQ(res.status, 404u);
  EXPECT_EQ(res.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(res.body, "404 page not found");
  auto method = get("/v1/agent/service/register");
  EXPECT_EQ(method.status, 405u);
  EXPECT_EQ(method.body, "method GET not allowed");
  EXPECT_EQ(method.header("allow"), "PUT");
}

// The check's Definition as Consul's HealthCheckDefinition.MarshalJSON writes it: durations as
// Go strings (DeregisterCriticalServiceAfter included), zero values left out.
TEST_F(ConsulApiTest, CheckDefinitionCarriesDeregisterCriticalServiceAfter) {
  ASSERT_EQ(put("/v1/agent/service/register",
                R"({"ID":"h:web:80","Name":"web","Port":80,
                    "Check":{"TTL":"10s","DeregisterCriticalServiceAfter":"90s"}})")
                .status,
            200u);
  // TTL is not among the fields Consul's MarshalJSON rewrites: a time.Duration in nanoseconds.
  const json expected = {{"TTL", 10'000'000'000LL}, {"DeregisterCriticalServiceAfter", "1m30s"}};
  EXPECT_EQ(get_json("/v1/agent/checks")["service:h:web:80"]["Definition"], expected);
  const auto health = get_json("/v1/health/checks/web");
  ASSERT_EQ(health.size(), 1u);
  EXPECT_EQ(health[0]["Definition"], expected);
}

TEST_F(ConsulApiTest, KvBasics) {
  EXPECT_EQ(get("/v1/kv/app/config").status, 404u);
  auto put_res = put("/v1/kv/app/config?flags=42", "hello");
  EXPECT_EQ(put_res.status, 200u);
  EXPECT_EQ(put_res.body, "true");
  auto entry = get_json("/v1/kv/app/config")[0];
  EXPECT_EQ(entry["Key"], "app/config");
  EXPECT_EQ(entry["Value"], "aGVsbG8=");
  EXPECT_EQ(entry["Flags"], 42);
  EXPECT_EQ(get("/v1/kv/app/config?raw").body, "hello");
  ASSERT_EQ(put("/v1/kv/app/other", "x").body, "true");
  EXPECT_EQ(get_json("/v1/kv/app/?recurse").size(), 2u);
  EXPECT_EQ(get_json("/v1/kv/app/?keys"), json::array({"app/config", "app/other"}));
  EXPECT_EQ(put("/v1/kv/app/config?cas=1", "y").body, "false");
  EXPECT_EQ(del("/v1/kv/app/config").body, "true");
  EXPECT_EQ(get("/v1/kv/app/config").status, 404u);
  EXPECT_EQ(del("/v1/kv/app/?recurse").body, "true");
  EXPECT_EQ(get("/v1/kv/app/?recurse").status, 404u);
}

}  // namespace
}  // namespace consul_test
