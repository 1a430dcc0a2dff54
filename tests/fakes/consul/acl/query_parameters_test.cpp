// Query parameters as a client sends them: what a route acts on works, Enterprise's namespaces
// and partitions get Consul OSS's refusals, and a parameter the fake would otherwise ignore is
// refused naming it, with nothing changed.
#include "tests/fakes/consul/endpoints/api_fixture.hpp"

namespace consul_test {
namespace {

class QueryParametersTest : public ConsulApiTest {
 protected:
  ClientResponse post(const std::string& target, const std::string& body) {
    return fakes::http::fetch(endpoint(), boost::beast::http::verb::post, target, body);
  }
};

TEST_F(QueryParametersTest, EnterpriseNamespacesAndPartitionsAreRefusedAsConsulOssDoes) {
  auto ns = get("/v1/catalog/services?ns=team");
  EXPECT_EQ(ns.status, 400u);
  EXPECT_EQ(ns.body, "Invalid query parameter: \"ns\" - Namespaces are a Consul Enterprise feature");
  auto partition = put("/v1/kv/k?partition=eu", "v");
  EXPECT_EQ(partition.status, 400u);
  EXPECT_EQ(partition.body, "Invalid query parameter: \"partition\" - Partitions are a Consul Enterprise feature");
  auto header = get("/v1/agent/services", {{"X-Consul-Namespace", "team"}});
  EXPECT_EQ(header.status, 400u);
  EXPECT_EQ(header.body, "Invalid header: \"X-Consul-Namespace\" - Namespaces are a Consul Enterprise feature");
  EXPECT_EQ(get("/v1/kv/k").status, 404u);  // the refused write wrote nothing
  // Empty means the default namespace, which OSS accepts.
  EXPECT_EQ(get("/v1/catalog/services?ns=").status, 200u);
}

TEST_F(QueryParametersTest, AParameterTheRouteDoesNotTakeIsRefusedByName) {
  auto pretty = get("/v1/catalog/services?pretty");
  EXPECT_EQ(pretty.status, 400u);
  EXPECT_EQ(pretty.body, "fake-consul does not support the query parameter \"pretty\" on /v1/catalog/services "
                         "(it takes only dc, token, index, wait, stale, consistent, cached)");
  auto filter = get("/v1/health/service/web?passing&filter=Service.Port%3D%3D80");
  EXPECT_EQ(filter.status, 400u);
  EXPECT_EQ(filter.body, "fake-consul does not support the query parameter \"filter\" on /v1/health/service/ "
                         "(it takes node-meta, passing, tag, and dc, token, index, wait, stale, consistent, cached)");
  auto typo = put("/v1/kv/app/config?flag=3", "v");
  EXPECT_EQ(typo.status, 400u);
  EXPECT_EQ(typo.body, "fake-consul does not support the query parameter \"flag\" on /v1/kv/ (it takes acquire, "
                       "cas, flags, keys, raw, recurse, release, separator, and dc, token, index, wait, stale, "
                       "consistent, cached)");
  EXPECT_EQ(get("/v1/kv/app/config").status, 404u);  // nothing written
  auto query = post("/v1/query?service=web", R"({"Name":"q","Service":{"Service":"web"}})");
  EXPECT_EQ(query.status, 400u);
  EXPECT_EQ(query.body, "fake-consul does not support the query parameter \"service\" on /v1/query "
                        "(it takes only dc, token, index, wait, stale, consistent, cached)");
  EXPECT_EQ(get_json("/v1/query").size(), 0u);  // no query created
  auto connect = get("/v1/query/q/execute?connect=true");
  EXPECT_EQ(connect.status, 400u);
  EXPECT_EQ(connect.body, "fake-consul does not support the query parameter \"connect\" on /v1/query/ "
                          "(it takes limit, near, and dc, token, index, wait, stale, consistent, cached)");
}

TEST_F(QueryParametersTest, TheParametersARouteTakesStillWork) {
  ASSERT_EQ(put("/v1/agent/service/register?replace-existing-checks", R"({"Name":"web","Tags":["a"],"Port":80})").status, 200u);
  EXPECT_EQ(get_json("/v1/health/service/web?passing&tag=a&stale").size(), 1u);
  EXPECT_EQ(get_json("/v1/catalog/service/web?tag=a&consistent&dc=dc1").size(), 1u);
  EXPECT_EQ(put("/v1/kv/k?flags=3", "v").body, "true");
  EXPECT_EQ(get("/v1/kv/k?raw").body, "v");
  ASSERT_EQ(post("/v1/query", R"({"Name":"q","Service":{"Service":"web"}})").status, 200u);
  EXPECT_EQ(get_json("/v1/query/q/execute?limit=1&near=_agent")["Nodes"].size(), 1u);
  EXPECT_EQ(get("/v1/nope?whatever").status, 404u);  // not a route: its 404, not a parameter refusal
}

}  // namespace
}  // namespace consul_test
