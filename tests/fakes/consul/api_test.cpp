// Conformance of the fake's HTTP API with what Consul answers (see
// /work/shared/reference/consul.md): shapes, texts, status codes, headers.
#include "tests/fakes/consul/consul_fixture.hpp"

#include <gmock/gmock.h>

#include <set>

namespace consul_test {
namespace {

using namespace std::chrono_literals;

// Exactly what registrator's consul adapter sends for one published port.
const std::string kRegistratorBody =
    R"({"ID":"host:web5:80","Name":"valami-80","Tags":[],"Port":80,"Address":"172.17.0.3","Meta":{}})";

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> out;
  for (auto it = object.begin(); it != object.end(); ++it) out.insert(it.key());
  return out;
}

class ConsulApiTest : public ConsulFixture {
 protected:
  void SetUp() override { start(); }
};

TEST_F(ConsulApiTest, RegistratorRegisterGets200WithEmptyBody) {
  auto res = put("/v1/agent/service/register", kRegistratorBody);
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "");
}

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

TEST_F(ConsulApiTest, AgentServicesIsAMapKeyedById) {
  ASSERT_EQ(put("/v1/agent/service/register", kRegistratorBody).status, 200u);
  auto services = get_json("/v1/agent/services");
  ASSERT_EQ(keys_of(services), (std::set<std::string>{"host:web5:80"}));
  const json& s = services["host:web5:80"];
  EXPECT_EQ(keys_of(s), (std::set<std::string>{"ID", "Service", "Tags", "Meta", "Port", "Address", "Weights",
                                               "EnableTagOverride", "Datacenter"}));
  EXPECT_EQ(s["Service"], "valami-80");
  EXPECT_EQ(s["Tags"], json::array());
  EXPECT_EQ(s["Datacenter"], "dc1");
  auto one = get_json("/v1/agent/service/host:web5:80");
  EXPECT_EQ(one["ID"], "host:web5:80");
  auto missing = get("/v1/agent/service/nope");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body, "unknown service ID: nope");
}

TEST_F(ConsulApiTest, ReRegisterSameIdReplaces) {
  ASSERT_EQ(put("/v1/agent/service/register", kRegistratorBody).status, 200u);
  ASSERT_EQ(put("/v1/agent/service/register",
                R"({"ID":"host:web5:80","Name":"valami-80","Tags":["v2"],"Port":8080,"Address":"172.17.0.3"})")
                .status,
            200u);
  auto body = get_json("/v1/catalog/service/valami-80");
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["ServicePort"], 8080);
  EXPECT_EQ(body[0]["ServiceTags"], json::array({"v2"}));
}

TEST_F(ConsulApiTest, DeregisterIsPutAndUnknownIdIs404WithConsulText) {
  ASSERT_EQ(put("/v1/agent/service/register", kRegistratorBody).status, 200u);
  auto wrong_method = del("/v1/agent/service/deregister/host:web5:80");
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_EQ(wrong_method.body, "method DELETE not allowed");
  auto ok = put("/v1/agent/service/deregister/host:web5:80");
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.body, "");
  EXPECT_EQ(get_json("/v1/catalog/service/valami-80"), json::array());
  auto unknown = put("/v1/agent/service/deregister/host:web5:80");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(unknown.body,
            "Unknown service ID \"host:web5:80\". Ensure that the service ID is passed, not the service name.");
}

TEST_F(ConsulApiTest, PercentEncodedIdsAreDecoded) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"host:my web/1:80","Name":"web","Port":80})").status, 200u);
  EXPECT_EQ(get_json("/v1/agent/service/host%3Amy%20web%2F1%3A80")["ID"], "host:my web/1:80");
  EXPECT_EQ(put("/v1/agent/service/deregister/host%3Amy%20web%2F1%3A80").status, 200u);
  EXPECT_EQ(get_json("/v1/agent/services"), json::object());
  EXPECT_EQ(put("/v1/agent/service/deregister/bad%zzescape").status, 400u);
}

TEST_F(ConsulApiTest, ValidationErrorsInConsulOrderAndTextsLeaveCatalogUnchanged) {
  struct Case {
    std::string body;
    std::string reason;
  };
  std::string big_meta = "{";
  for (int i = 0; i < 65; ++i) big_meta += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":\"v\"";
  big_meta += "}";
  const std::vector<Case> cases = {
      {"", "Request decode failed: EOF"},
      {"[]", "Request decode failed: json: cannot unmarshal array into Go value of type structs.ServiceDefinition"},
      {R"({"Name":"web","Port":"80"})",
       "Request decode failed: json: cannot unmarshal string into Go struct field ServiceDefinition.Port of type int"},
      {R"({"Name":"web","Tags":"a"})",
       "Request decode failed: json: cannot unmarshal string into Go struct field ServiceDefinition.Tags of type []string"},
      {R"({"ID":"x","Address":"0.0.0.0"})", "Missing service name"},
      {R"({"Name":"web","Address":"0.0.0.0"})", "Invalid service address"},
      {R"({"Name":"web","Address":"::"})", "Invalid service address"},
      {R"({"Name":"web","Weights":{"Passing":0,"Warning":1},"Meta":{"consul-x":"1"}})",
       "Invalid Weights: Passing must be greater than 0"},
      {R"({"Name":"web","Meta":{"consul-x":"1"}})", "Invalid Service Meta: Key prefix 'consul-' is reserved for internal use"},
      {R"({"Name":"web","Meta":{"bad key":"1"}})", "Invalid Service Meta: Key contains invalid characters"},
      {R"({"Name":"web","Meta":{"k":")" + std::string(513, 'v') + R"("}})",
       "Invalid Service Meta: Value is too long (limit: 512 characters)"},
      {R"({"Name":"web","Meta":)" + big_meta + "}",
       "Invalid Service Meta: Node metadata cannot contain more than 64 key/value pairs"},
      {R"({"Name":"web","Check":{"Name":"c"}})", "Invalid check: TTL must be > 0 for TTL checks"},
      {R"({"Name":"web","Check":{"HTTP":"http://x/"}})",
       "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or GRPC checks"},
      {R"({"Name":"web","Checks":[{"TTL":"10s"},{"TTL":"5s","Interval":"5s"}]})",
       "Invalid check: Interval and TTL cannot both be specified"},
      {R"({"Name":"web","Check":{"TTL":"10x"}})", "Request decode failed: time: invalid duration \"10x\""},
      {R"({"Name":"web","Check":{"TTL":"10s","Status":"ok"}})",
       "Status for checks must 'passing', 'warning', 'critical'"},
  };
  const auto index_before = get("/v1/catalog/services").header("x-consul-index");
  for (const auto& c : cases) {
    auto res = put("/v1/agent/service/register", c.body);
    EXPECT_EQ(res.status, 400u) << c.body;
    EXPECT_EQ(res.body, c.reason) << c.body;
    EXPECT_EQ(res.header("content-type"), "text/plain; charset=utf-8");
  }
  auto malformed = put("/v1/agent/service/register", R"({"Name": "web",)");
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_TRUE(malformed.body.starts_with("Request decode failed: ")) << malformed.body;
  EXPECT_EQ(get_json("/v1/agent/services"), json::object());
  EXPECT_EQ(get("/v1/catalog/services").header("x-consul-index"), index_before);
}

TEST_F(ConsulApiTest, SnakeCaseAndCheckDefaults) {
  ASSERT_EQ(put("/v1/agent/service/register",
                R"({"id":"api-1","name":"api","port":9000,"enable_tag_override":true,
                    "tagged_addresses":{"lan":{"address":"10.0.0.1","port":9000}},
                    "check":{"ttl":"30s"}})")
                .status,
            200u);
  auto s = get_json("/v1/agent/services")["api-1"];
  EXPECT_EQ(s["EnableTagOverride"], true);
  EXPECT_EQ(s["TaggedAddresses"]["lan"]["Address"], "10.0.0.1");
  auto checks = get_json("/v1/agent/checks");
  ASSERT_TRUE(checks.contains("service:api-1")) << checks.dump();
  const json& c = checks["service:api-1"];
  EXPECT_EQ(c["Name"], "Service 'api' check");
  EXPECT_EQ(c["Status"], "critical");
  EXPECT_EQ(c["ServiceID"], "api-1");
  EXPECT_EQ(c["Type"], "ttl");
  EXPECT_FALSE(checks.contains("serfHealth"));  // the agent's own checks only
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

TEST_F(ConsulApiTest, MaintenanceModeAddsCriticalCheckAndHidesFromPassing) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"m","Name":"web","Port":80})").status, 200u);
  EXPECT_EQ(get_json("/v1/health/service/web?passing").size(), 1u);
  EXPECT_EQ(put("/v1/agent/service/maintenance/m").body, "Missing value for enable");
  EXPECT_EQ(put("/v1/agent/service/maintenance/m?enable=yes").body, "Invalid value for enable: \"yes\"");
  auto ghost = put("/v1/agent/service/maintenance/ghost?enable=true");
  EXPECT_EQ(ghost.status, 404u);
  EXPECT_EQ(ghost.body, "Unknown service ID \"ghost\". Ensure that the service ID is passed, not the service name.");
  auto no_id = put("/v1/agent/service/maintenance/?enable=true");
  EXPECT_EQ(no_id.status, 400u);
  EXPECT_EQ(no_id.body, "Missing service ID");
  ASSERT_EQ(put("/v1/agent/service/maintenance/m?enable=true&reason=deploy").status, 200u);
  auto check = get_json("/v1/agent/checks")["_service_maintenance:m"];
  EXPECT_EQ(check["Status"], "critical");
  EXPECT_EQ(check["Notes"], "deploy");
  EXPECT_EQ(get_json("/v1/health/service/web?passing"), json::array());
  ASSERT_EQ(put("/v1/agent/service/maintenance/m?enable=false").status, 200u);
  EXPECT_EQ(get_json("/v1/health/service/web?passing").size(), 1u);
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

TEST_F(ConsulApiTest, BlockingQueryReturnsOnChangeWithNewIndex) {
  auto first = get("/v1/catalog/service/valami");
  const std::string index = first.header("x-consul-index");
  ASSERT_FALSE(index.empty());
  auto pending = std::async(std::launch::async, [&] {
    return get("/v1/catalog/service/valami?index=" + index + "&wait=30s", {}, 40s);
  });
  // Register only once the query is parked, so it must be the change that wakes it.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (fake_->state()["ParkedQueries"] != 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_EQ(fake_->state()["ParkedQueries"], 1);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"v1","Name":"valami","Port":80})").status, 200u);
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  auto res = pending.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(res.status, 200u);
  EXPECT_GT(std::stoull(res.header("x-consul-index")), std::stoull(index));
  EXPECT_EQ(json::parse(res.body).size(), 1u);
}

TEST_F(ConsulApiTest, BlockingQueryReturnsAfterWaitWithSameIndex) {
  const std::string index = get("/v1/health/service/web").header("x-consul-index");
  const auto started = std::chrono::steady_clock::now();
  auto res = get("/v1/health/service/web?index=" + index + "&wait=300ms");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("x-consul-index"), index);
  EXPECT_EQ(res.body, "[]");
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5s);
  EXPECT_EQ(get("/v1/health/service/web?index=abc").body, "Invalid index");
  EXPECT_EQ(get("/v1/health/service/web?index=1&wait=soon").body, "Invalid wait time");
}

TEST_F(ConsulApiTest, TtlCheckExpiresToCriticalOnItsOwn) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"t","Name":"ttl","Port":1,"Check":{"TTL":"300ms"}})").status, 200u);
  ASSERT_EQ(put("/v1/agent/check/pass/service:t").status, 200u);
  auto checks = get("/v1/health/checks/ttl");
  ASSERT_EQ(json::parse(checks.body)[0]["Status"], "passing");
  // Wait for the expiry with a blocking query instead of sleeping.
  auto after = get("/v1/health/checks/ttl?index=" + checks.header("x-consul-index") + "&wait=20s", {}, 30s);
  auto body = json::parse(after.body);
  EXPECT_EQ(body[0]["Status"], "critical");
  EXPECT_EQ(body[0]["Output"], "TTL expired");
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

TEST_F(ConsulApiTest, FaultsRequestLogAndLoseState) {
  fakes::consul::FaultRule rule;
  rule.method = "PUT";
  rule.path_prefix = "/v1/agent/service/register";
  rule.status = 500;
  rule.body = "rpc error: No cluster leader";
  rule.remaining = 1;
  fake_->add_fault(rule);
  auto failed = put("/v1/agent/service/register", kRegistratorBody);
  EXPECT_EQ(failed.status, 500u);
  EXPECT_EQ(failed.body, "rpc error: No cluster leader");
  EXPECT_EQ(put("/v1/agent/service/register", kRegistratorBody).status, 200u);
  auto log = fake_->request_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].status, 500u);
  EXPECT_EQ(log[1].status, 200u);
  EXPECT_EQ(log[1].body, kRegistratorBody);

  // The same controls over HTTP.
  auto lose = fakes::http::fetch(endpoint(), verb::post, "/_fake/lose-state");
  EXPECT_EQ(json::parse(lose.body)["Deregistered"], 1);
  EXPECT_EQ(get_json("/v1/agent/services"), json::object());
  auto fault = fakes::http::fetch(endpoint(), verb::post, "/_fake/faults",
                                  R"({"path":"/v1/catalog/","status":503,"body":"down"})");
  EXPECT_EQ(fault.status, 200u);
  EXPECT_EQ(get("/v1/catalog/services").status, 503u);
  EXPECT_EQ(del("/_fake/faults").status, 200u);
  EXPECT_EQ(get("/v1/catalog/services").status, 200u);
  EXPECT_EQ(fakes::http::fetch(endpoint(), verb::post, "/_fake/faults", R"({"action":"explode"})").status, 400u);
  auto requests = get_json("/_fake/requests");
  EXPECT_GE(requests.size(), 4u);
  // ?after=SEQ: only what came later (a poller reads each request once).
  const auto last_seq = requests.back()["Seq"].get<std::uint64_t>();
  const auto newer = get_json("/_fake/requests?after=" + std::to_string(last_seq - 1));
  ASSERT_GE(newer.size(), 1u);
  EXPECT_EQ(newer[0]["Seq"], last_seq);
  EXPECT_EQ(get("/_fake/requests?after=x").status, 400u);
}

// The agent reaps a service whose check stays critical for DeregisterCriticalServiceAfter. Consul
// enforces a 1 minute minimum and reaps every 30 s; the fake reaps on time, so tests stay short.
// Added latency: matching requests get their normal answer, but not before the delay; the
// rule's shape is checked.
TEST_F(ConsulApiTest, DelayFaultAnswersNormallyButLate) {
  ASSERT_EQ(put("/v1/agent/service/register", kRegistratorBody).status, 200u);
  auto fault = fakes::http::fetch(endpoint(), verb::post, "/_fake/faults",
                                  R"({"path":"/v1/catalog/","action":"delay","delay_ms":300,"count":1})");
  ASSERT_EQ(fault.status, 200u) << fault.body;
  const auto started = std::chrono::steady_clock::now();
  const auto late = get("/v1/catalog/services");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(late.status, 200u);
  EXPECT_TRUE(json::parse(late.body).contains("valami-80")) << late.body;
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_EQ(get("/v1/catalog/services").body, late.body) << "count 1: the next one is served as usual";

  for (const char* bad : {R"({"path":"/v1/","action":"delay"})", R"({"path":"/v1/","delay_ms":100})",
                          R"({"path":"/v1/","action":"delay","delay_ms":0})"}) {
    const auto r = fakes::http::fetch(endpoint(), verb::post, "/_fake/faults", bad);
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_THAT(r.body, ::testing::HasSubstr("delay")) << bad;
  }
}

TEST_F(ConsulApiTest, CriticalServiceIsDeregisteredAfterDeregisterCriticalServiceAfter) {
  const auto started = std::chrono::steady_clock::now();  // before the TTL is armed
  ASSERT_EQ(put("/v1/agent/service/register",
                R"({"ID":"h:doomed:80","Name":"doomed","Port":80,
                    "Check":{"TTL":"100ms","Status":"passing","DeregisterCriticalServiceAfter":"300ms"}})")
                .status,
            200u);
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"h:kept:80","Name":"kept","Port":80})").status, 200u);
  auto deadline = started + 10s;
  while (get_json("/v1/agent/services").contains("h:doomed:80") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);  // polling interval
  const auto services = get_json("/v1/agent/services");
  EXPECT_FALSE(services.contains("h:doomed:80"));
  EXPECT_TRUE(services.contains("h:kept:80"));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 400ms) << "TTL 100ms, then 300ms critical";
  EXPECT_FALSE(get_json("/v1/agent/checks").contains("service:h:doomed:80"));
}

TEST_F(ConsulApiTest, NodeMaintenanceHidesEveryInstanceUntilDisabled) {
  ASSERT_EQ(put("/v1/agent/service/register", kRegistratorBody).status, 200u);
  ASSERT_EQ(get_json("/v1/health/service/valami-80?passing").size(), 1u);
  EXPECT_EQ(put("/v1/agent/maintenance?enable=true&reason=kernel%20upgrade").status, 200u);
  const auto check = get_json("/v1/agent/checks")["_node_maintenance"];
  EXPECT_EQ(check["Name"], "Node Maintenance Mode");
  EXPECT_EQ(check["Status"], "critical");
  EXPECT_EQ(check["Notes"], "kernel upgrade");
  EXPECT_EQ(check["ServiceID"], "");
  EXPECT_EQ(get_json("/v1/health/service/valami-80?passing"), json::array());
  EXPECT_EQ(get_json("/v1/health/service/valami-80").size(), 1u) << "still registered, only unhealthy";
  EXPECT_EQ(put("/v1/agent/maintenance?enable=0").status, 200u);  // Go's ParseBool spellings
  EXPECT_FALSE(get_json("/v1/agent/checks").contains("_node_maintenance"));
  EXPECT_EQ(get_json("/v1/health/service/valami-80?passing").size(), 1u);
  auto missing = put("/v1/agent/maintenance");
  EXPECT_EQ(missing.status, 400u);
  EXPECT_EQ(missing.body, "Missing value for enable");
  auto bad = put("/v1/agent/maintenance?enable=yes");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.body, "Invalid value for enable: \"yes\"");
  EXPECT_EQ(get("/v1/agent/maintenance?enable=true").status, 405u);
}

TEST_F(ConsulApiTest, AgentCheckRegisterAndDeregister) {
  ASSERT_EQ(put("/v1/agent/service/register", kRegistratorBody).status, 200u);
  EXPECT_EQ(put("/v1/agent/check/register", R"({"Name":"disk","TTL":"30s","Notes":"root fs"})").status, 200u);
  EXPECT_EQ(put("/v1/agent/check/register",
                R"({"ID":"web-api","Name":"api","ServiceID":"host:web5:80","HTTP":"http://172.17.0.3/","Interval":"10s","Status":"passing"})")
                .status,
            200u);
  auto checks = get_json("/v1/agent/checks");
  EXPECT_EQ(checks["disk"]["Status"], "critical");
  EXPECT_EQ(checks["disk"]["Notes"], "root fs");
  EXPECT_EQ(checks["disk"]["Type"], "ttl");
  EXPECT_EQ(checks["web-api"]["ServiceID"], "host:web5:80");
  EXPECT_EQ(checks["web-api"]["Status"], "passing");
  EXPECT_EQ(checks["web-api"]["Type"], "http");
  bool found = false;
  for (const auto& c : get_json("/v1/health/checks/valami-80")) found = found || c["CheckID"] == "web-api";
  EXPECT_TRUE(found);

  auto unknown_service = put("/v1/agent/check/register", R"({"Name":"x","TTL":"5s","ServiceID":"nope"})");
  EXPECT_EQ(unknown_service.status, 404u);
  EXPECT_EQ(unknown_service.body, "ServiceID \"nope\" does not exist");
  auto no_name = put("/v1/agent/check/register", R"({"TTL":"5s"})");
  EXPECT_EQ(no_name.status, 400u);
  EXPECT_EQ(no_name.body, "Missing check name");
  EXPECT_EQ(put("/v1/agent/check/register", R"({"Name":"x","HTTP":"http://a/"})").status, 400u) << "no interval";
  EXPECT_EQ(put("/v1/agent/check/register", "{").status, 400u);

  EXPECT_EQ(put("/v1/agent/check/deregister/web-api").status, 200u);
  EXPECT_FALSE(get_json("/v1/agent/checks").contains("web-api"));
  auto again = put("/v1/agent/check/deregister/web-api");
  EXPECT_EQ(again.status, 404u);
  EXPECT_EQ(again.body, "Unknown check ID \"web-api\". Ensure that the check ID is passed, not the check name.");
  EXPECT_TRUE(get_json("/v1/agent/services").contains("host:web5:80")) << "the service stays";
}

// Read answers are reused until the catalog's next write: every kind of write must show in the
// very next read of the same URL.
TEST_F(ConsulApiTest, RepeatedReadsFollowEveryWrite) {
  const std::string url = "/v1/health/service/web?passing";
  ASSERT_EQ(put("/v1/agent/service/register",
                R"({"ID":"a","Name":"web","Port":80,"Check":{"TTL":"30s","Status":"passing"}})").status,
            200u);
  EXPECT_EQ(get_json(url).size(), 1u);
  EXPECT_EQ(get_json(url).size(), 1u);  // served again from the rendered answer
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"b","Name":"web","Port":81})").status, 200u);
  EXPECT_EQ(get_json(url).size(), 2u) << "a registration";
  ASSERT_EQ(put("/v1/agent/check/fail/service:a").status, 200u);
  EXPECT_EQ(get_json(url).size(), 1u) << "a check status";
  EXPECT_EQ(put("/_fake/check/service:a?status=passing").status, 200u);
  EXPECT_EQ(get_json(url).size(), 2u) << "a forced check status";
  ASSERT_EQ(put("/v1/agent/service/maintenance/b?enable=true").status, 200u);
  EXPECT_EQ(get_json(url).size(), 1u) << "maintenance";
  ASSERT_EQ(put("/v1/agent/service/deregister/a").status, 200u);
  EXPECT_EQ(get_json(url).size(), 0u) << "a deregistration";
  EXPECT_EQ(get_json("/v1/catalog/service/web").size(), 1u);
  EXPECT_EQ(get_json("/v1/catalog/service/web?tag=x").size(), 0u) << "another question, another answer";
}

TEST_F(ConsulApiTest, ControlSetsCheckStatus) {
  ASSERT_EQ(put("/v1/agent/service/register",
                R"({"ID":"h","Name":"web","Port":80,"Check":{"HTTP":"http://172.17.0.3/","Interval":"10s"}})")
                .status,
            200u);
  EXPECT_EQ(get_json("/v1/agent/checks")["service:h"]["Status"], "critical");
  EXPECT_TRUE(fake_->set_check_status("service:h", fakes::consul::HealthStatus::passing, "HTTP GET: 200 OK"));
  EXPECT_EQ(get_json("/v1/agent/checks")["service:h"]["Status"], "passing");
  EXPECT_EQ(put("/_fake/check/service:h?status=warning").status, 200u);
  EXPECT_EQ(get_json("/v1/agent/checks")["service:h"]["Status"], "warning");
  EXPECT_EQ(put("/_fake/check/nope?status=warning").status, 404u);
  // Non-TTL checks refuse agent/check/pass, as Consul does.
  EXPECT_EQ(put("/v1/agent/check/pass/service:h").status, 500u);
}

class ConsulAclTest : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.agent.acl_master_token = "s3cret";
    start(options);
  }
};

TEST_F(ConsulAclTest, WritesNeedTheTokenReadsDoNot) {
  auto denied = put("/v1/agent/service/register", kRegistratorBody);
  EXPECT_EQ(denied.status, 403u);
  EXPECT_EQ(denied.body,
            "Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission "
            "'service:write' on \"valami-80\"");
  auto wrong = put("/v1/agent/service/register", kRegistratorBody, {{"X-Consul-Token", "nope"}});
  EXPECT_EQ(wrong.status, 403u);
  EXPECT_EQ(wrong.body, "ACL not found");
  EXPECT_EQ(get_json("/v1/agent/services"), json::object());
  EXPECT_EQ(put("/v1/agent/service/register", kRegistratorBody, {{"X-Consul-Token", "s3cret"}}).status, 200u);
  EXPECT_EQ(put("/v1/agent/service/register", kRegistratorBody, {{"Authorization", "Bearer s3cret"}}).status, 200u);
  auto no_token_dereg = put("/v1/agent/service/deregister/host:web5:80");
  EXPECT_EQ(no_token_dereg.status, 403u);
  EXPECT_EQ(put("/v1/agent/service/deregister/host:web5:80?token=s3cret").status, 200u);
  EXPECT_EQ(put("/v1/kv/k", "v").status, 403u);
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

// PUT /v1/agent/check/register of an existing check ID keeps its status and output, even when
// the body names another Status (agent.go addCheckLocked restores its snapshot).
TEST_F(ConsulApiTest, ReRegisteredCheckKeepsStatusAgainstStatusInBody) {
  ASSERT_EQ(put("/v1/agent/check/register", R"({"ID":"mem","Name":"mem","TTL":"30s"})").status, 200u);
  ASSERT_EQ(put("/v1/agent/check/pass/mem?note=ok").status, 200u);
  ASSERT_EQ(put("/v1/agent/check/register", R"({"ID":"mem","Name":"mem","TTL":"30s","Status":"critical"})").status,
            200u);
  const auto check = get_json("/v1/agent/checks")["mem"];
  EXPECT_EQ(check["Status"], "passing");
  EXPECT_EQ(check["Output"], "ok");
}

// Consul's reaper timing on request: --reap-interval and --deregister-critical-min.
class ConsulReaperTimingTest : public ConsulFixture {
 protected:
  void SetUp() override {}
  bool poll_gone(const std::string& id, std::chrono::steady_clock::time_point deadline) {
    while (get_json("/v1/agent/services").contains(id)) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(20ms);  // polling interval
    }
    return true;
  }
  void register_doomed() {
    ASSERT_EQ(put("/v1/agent/service/register",
                  R"({"ID":"h:doomed:80","Name":"doomed","Port":80,
                      "Check":{"TTL":"50ms","Status":"passing","DeregisterCriticalServiceAfter":"100ms"}})")
                  .status,
              200u);
  }
};

TEST_F(ConsulReaperTimingTest, ReaperRunsOnlyEveryReapInterval) {
  fakes::consul::FakeConsulOptions options;
  options.reap_interval = 800ms;
  const auto t0 = std::chrono::steady_clock::now();  // the reaper's first run is >= t0 + 800ms
  start(options);
  register_doomed();
  ASSERT_TRUE(poll_gone("h:doomed:80", t0 + 10s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 800ms) << "due after 150ms, reaped at the first run";
}

TEST_F(ConsulReaperTimingTest, ShortDeregisterAfterCountsAsTheMinimum) {
  fakes::consul::FakeConsulOptions options;
  options.deregister_critical_min = 700ms;
  start(options);
  const auto t0 = std::chrono::steady_clock::now();
  register_doomed();
  ASSERT_TRUE(poll_gone("h:doomed:80", t0 + 10s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 750ms) << "50ms TTL, then the 700ms minimum";
}

class ConsulBodyLimitTest : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.body_limit = 1024;
    start(options);
  }
};

TEST_F(ConsulBodyLimitTest, OversizedBodyIsADecodeFailureAndChangesNothing) {
  std::string body = R"({"Name":"web","Meta":{"k":")" + std::string(4000, 'x') + "\"}}";
  auto res = put("/v1/agent/service/register", body);
  EXPECT_EQ(res.status, 400u);
  EXPECT_EQ(res.body, "Request decode failed: http: request body too large");
  EXPECT_EQ(get_json("/v1/agent/services"), json::object());
}

class ConsulLegacyDeregisterTest : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.agent.unknown_deregister = fakes::consul::UnknownDeregister::legacy_500;
    start(options);
  }
};

TEST_F(ConsulLegacyDeregisterTest, UnknownIdIs500InOldStyle) {
  auto res = put("/v1/agent/service/deregister/x");
  EXPECT_EQ(res.status, 500u);
  EXPECT_EQ(res.body, "Unknown service \"x\"");
}

}  // namespace
}  // namespace consul_test
