// /v1/agent/* over HTTP against what Consul answers: registration (registrator's own body,
// snake_case, validation order and texts), deregistration, maintenance, check registration,
// the ACL token, the body limit and the legacy deregister answer.
#include "tests/fakes/consul/endpoints/api_fixture.hpp"

namespace consul_test {
namespace {

using namespace std::chrono_literals;

TEST_F(ConsulApiTest, RegistratorRegisterGets200WithEmptyBody) {
  auto res = put("/v1/agent/service/register", kRegistratorBody);
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "");
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
