// /_fake/*: injected faults, the request log, losing state, setting a check's status.
#include "tests/fakes/consul/endpoints/api_fixture.hpp"

#include <gmock/gmock.h>

namespace consul_test {
namespace {

using namespace std::chrono_literals;

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

}  // namespace
}  // namespace consul_test
