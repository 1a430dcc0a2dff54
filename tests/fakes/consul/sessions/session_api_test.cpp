// /v1/session/*: what a client sees of its sessions (shape, defaults, the create body as
// Consul reads it), Consul's refusals, and every way a session is invalidated: destroy, TTL
// (twice the TTL, renew extends), a bound check going critical or away, its node going away.
#include "tests/fakes/consul/sessions/session_fixture.hpp"

#include "fakes/consul/state/health_status.hpp"

#include <future>
#include <regex>

namespace consul_test {
namespace {

using fakes::consul::HealthStatus;

TEST_F(SessionTest, CreateWithoutBodyBindsTheAgentsNodeAndSerfHealth) {
  const std::string id = create_session();
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))) << id;
  auto res = get("/v1/session/info/" + id);
  ASSERT_EQ(res.status, 200u);
  const json s = json::parse(res.body).at(0);
  EXPECT_EQ(s["ID"], id);
  EXPECT_EQ(s["Name"], "");
  EXPECT_EQ(s["Node"], "node1");
  EXPECT_EQ(s["LockDelay"], 15000000000);
  EXPECT_EQ(s["Behavior"], "release");
  EXPECT_EQ(s["TTL"], "");
  EXPECT_EQ(s["NodeChecks"], json::array({"serfHealth"}));
  EXPECT_EQ(s["ServiceChecks"], nullptr);
  EXPECT_FALSE(s.contains("Checks"));  // the deprecated field, omitempty
  EXPECT_EQ(s["CreateIndex"], s["ModifyIndex"]);
  EXPECT_EQ(res.header("x-consul-index"), std::to_string(s["CreateIndex"].get<std::uint64_t>()));

  EXPECT_EQ(get_json("/v1/session/list").size(), 1u);
  EXPECT_EQ(get_json("/v1/session/node/node1")[0]["ID"], id);
  EXPECT_EQ(get_json("/v1/session/node/NODE1").size(), 1u);  // node names match case-insensitively
  EXPECT_EQ(get("/v1/session/node/other").body, "[]");
  EXPECT_EQ(get("/v1/session/info/no-such-session").body, "[]");
}

TEST_F(SessionTest, CreateBodyIsReadAsConsulReadsIt) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"web1","Name":"web","Port":80,"Check":{"TTL":"30s","Status":"passing"}})").status, 200u);
  const std::string a = create_session(
      R"({"Name":"leader","LockDelay":"5s","Behavior":"delete","TTL":"30s","ServiceChecks":[{"ID":"service:web1"}]})");
  const json sa = session_info(a);
  EXPECT_EQ(sa["Name"], "leader");
  EXPECT_EQ(sa["LockDelay"], 5000000000);
  EXPECT_EQ(sa["Behavior"], "delete");
  EXPECT_EQ(sa["TTL"], "30s");
  EXPECT_EQ(sa["NodeChecks"], json::array({"serfHealth"}));
  EXPECT_EQ(sa["ServiceChecks"], json::parse(R"([{"ID":"service:web1","Namespace":""}])"));

  // Lower-case field names (python-consul sends them), a LockDelay under 1000 means seconds,
  // an empty Checks list leaves no checks at all.
  const json sb = session_info(create_session(R"({"lockdelay":3,"checks":[]})"));
  EXPECT_EQ(sb["LockDelay"], 3000000000);
  EXPECT_EQ(sb["NodeChecks"], json::array());
  EXPECT_EQ(session_info(create_session(R"({"LockDelay":2000000000})"))["LockDelay"], 2000000000);
  EXPECT_EQ(session_info(create_session(R"({"LockDelay":"0s"})"))["LockDelay"], 0);
  EXPECT_EQ(session_info(create_session(R"({"NodeChecks":[]})"))["NodeChecks"], json::array());
  // The pre-1.7 Checks field with other checks: kept beside the default NodeChecks.
  const json sc = session_info(create_session(R"({"Checks":["serfHealth","service:web1"]})"));
  EXPECT_EQ(sc["Checks"], json::array({"serfHealth", "service:web1"}));
  EXPECT_EQ(sc["NodeChecks"], json::array({"serfHealth"}));
  EXPECT_EQ(get_json("/v1/session/list").size(), 6u);
}

TEST_F(SessionTest, BadCreatesGetConsulsStatusAndTextAndCreateNothing) {
  ASSERT_EQ(put("/v1/agent/check/register", R"({"ID":"down","Name":"down","TTL":"30s"})").status, 200u);  // critical
  const struct {
    const char* body;
    unsigned status;
    const char* text;
  } cases[] = {
      {R"({"TTL":"5s"})", 500, "Invalid Session TTL '5000000000', must be between [10s=24h0m0s]"},
      {R"({"TTL":"25h"})", 500, "Invalid Session TTL '90000000000000', must be between [10s=24h0m0s]"},
      {R"({"TTL":"abc"})", 500, R"(Session TTL 'abc' invalid: time: invalid duration "abc")"},
      {R"({"TTL":"10"})", 500, R"(Session TTL '10' invalid: time: missing unit in duration "10")"},
      {R"({"TTL":"10x"})", 500, R"(Session TTL '10x' invalid: time: unknown unit "x" in duration "10x")"},
      {R"({"Behavior":"keep"})", 500, "Invalid Behavior setting 'keep'"},
      {R"({"Node":"ghost"})", 500, "Missing node registration"},
      {R"({"NodeChecks":["nope"]})", 500, "Missing check 'nope' registration"},
      {R"({"NodeChecks":["serfHealth","down"]})", 500, "Check 'down' is in critical state"},
      {R"({"ServiceChecks":[{"ID":"service:gone"}]})", 500, "Missing check 'service:gone' registration"},
      {R"({"LockDelay":"x"})", 400, R"(Request decode failed: time: invalid duration "x")"},
      {R"({"Name":"a",)", 400, nullptr},
  };
  for (const auto& c : cases) {
    auto res = put("/v1/session/create", c.body);
    EXPECT_EQ(res.status, c.status) << c.body;
    if (c.text) {
      EXPECT_EQ(res.body, c.text) << c.body;
    } else {
      EXPECT_TRUE(res.body.starts_with("Request decode failed: ")) << res.body;
    }
  }
  EXPECT_EQ(get("/v1/session/list").body, "[]");

  EXPECT_EQ(get("/v1/session/create").status, 405u);
  EXPECT_EQ(put("/v1/session/list").status, 405u);
  EXPECT_EQ(put("/v1/session/info/x").status, 405u);
  EXPECT_EQ(get("/v1/session/destroy/x").status, 405u);
  for (const char* path : {"/v1/session/info/", "/v1/session/destroy/", "/v1/session/renew/"}) {
    auto res = path == std::string("/v1/session/info/") ? get(path) : put(path);
    EXPECT_EQ(res.status, 400u) << path;
    EXPECT_EQ(res.body, "Missing session") << path;
  }
  auto node = get("/v1/session/node/");
  EXPECT_EQ(node.status, 400u);
  EXPECT_EQ(node.body, "Missing node name");
  auto renew = put("/v1/session/renew/no-such-session");
  EXPECT_EQ(renew.status, 404u);
  EXPECT_EQ(renew.body, "Session id 'no-such-session' not found");
  EXPECT_EQ(get("/v1/session/list?dc=nowhere").status, 500u);
}

TEST_F(SessionTest, DestroyEndsTheSessionAndReleasesItsKeys) {
  const std::string id = create_session(R"({"LockDelay":"0s"})");
  ASSERT_EQ(put("/v1/kv/leader?acquire=" + id, "me").body, "true");
  ASSERT_EQ(kv_entry("leader")["Session"], id);
  auto destroyed = put("/v1/session/destroy/" + id);
  EXPECT_EQ(destroyed.status, 200u);
  EXPECT_EQ(destroyed.body, "true");
  EXPECT_EQ(session_info(id), nullptr);
  const json e = kv_entry("leader");
  EXPECT_FALSE(e.contains("Session"));
  EXPECT_EQ(e["LockIndex"], 1);
  EXPECT_EQ(kv_value("leader"), "me");  // release keeps the value
  // Destroying what is not there is no error (Consul's state store finds nothing to do).
  EXPECT_EQ(put("/v1/session/destroy/" + id).body, "true");
}

TEST_F(SessionTest, TtlSessionLivesTwiceItsTtlAndRenewRestartsIt) {
  const std::string id = create_session(R"({"TTL":"10s","LockDelay":"0s"})");
  ASSERT_EQ(put("/v1/kv/job?acquire=" + id).body, "true");
  advance(15s);  // past the TTL, within Consul's grace (TTL x 2)
  ASSERT_NE(session_info(id), nullptr);
  auto renewed = put("/v1/session/renew/" + id);
  ASSERT_EQ(renewed.status, 200u);
  EXPECT_EQ(json::parse(renewed.body).at(0)["ID"], id);
  advance(19s);  // 34 s: the renewal at 15 s moved the end to 35 s
  ASSERT_NE(session_info(id), nullptr);
  advance(1s);
  EXPECT_EQ(session_info(id), nullptr);
  EXPECT_FALSE(kv_entry("job").contains("Session"));
  EXPECT_EQ(put("/v1/session/renew/" + id).status, 404u);

  // A session without TTL never runs out; renewing it answers it unchanged.
  const std::string forever = create_session();
  advance(48h);
  EXPECT_EQ(put("/v1/session/renew/" + forever).status, 200u);
}

TEST_F(SessionTest, BoundCheckGoingCriticalInvalidatesTheSession) {
  ASSERT_EQ(put("/v1/agent/check/register", R"({"ID":"disk","Name":"disk","TTL":"30s","Status":"passing"})").status, 200u);
  const std::string bound = create_session(R"({"NodeChecks":["serfHealth","disk"],"LockDelay":"0s"})");
  const std::string other = create_session(R"({"NodeChecks":["serfHealth"]})");
  ASSERT_EQ(put("/v1/kv/lock?acquire=" + bound).body, "true");
  ASSERT_EQ(put("/v1/agent/check/warn/disk").status, 200u);
  EXPECT_NE(session_info(bound), nullptr);  // warning is not critical
  ASSERT_EQ(put("/v1/agent/check/fail/disk").status, 200u);
  EXPECT_EQ(session_info(bound), nullptr);
  EXPECT_NE(session_info(other), nullptr);
  EXPECT_FALSE(kv_entry("lock").contains("Session"));
}

TEST_F(SessionTest, SerfHealthCriticalInvalidatesDefaultSessions) {
  const std::string id = create_session();
  const std::string unbound = create_session(R"({"NodeChecks":[]})");
  ASSERT_TRUE(fake_->set_check_status("serfHealth", HealthStatus::critical, "Agent not live or unreachable"));
  EXPECT_EQ(session_info(id), nullptr);
  EXPECT_NE(session_info(unbound), nullptr);
  auto res = put("/v1/session/create");
  EXPECT_EQ(res.status, 500u);
  EXPECT_EQ(res.body, "Check 'serfHealth' is in critical state");
}

TEST_F(SessionTest, DeregisteringABoundCheckOrItsServiceInvalidates) {
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID":"web1","Name":"web","Port":80,"Check":{"TTL":"30s","Status":"passing"}})").status, 200u);
  ASSERT_EQ(put("/v1/agent/check/register", R"({"ID":"mem","Name":"mem","TTL":"30s","Status":"passing"})").status, 200u);
  const std::string by_service = create_session(R"({"ServiceChecks":[{"ID":"service:web1"}]})");
  const std::string by_check = create_session(R"({"NodeChecks":["mem"]})");
  ASSERT_EQ(put("/v1/agent/service/deregister/web1").status, 200u);
  EXPECT_EQ(session_info(by_service), nullptr);
  EXPECT_NE(session_info(by_check), nullptr);
  ASSERT_EQ(put("/v1/agent/check/deregister/mem").status, 200u);
  EXPECT_EQ(session_info(by_check), nullptr);
}

TEST_F(SessionTest, NodeLeavingTheCatalogInvalidatesItsSessions) {
  ASSERT_EQ(put("/v1/catalog/register", R"({"Node":"n2","Address":"10.0.0.2"})").status, 200u);
  const std::string id = create_session(R"({"Node":"n2","NodeChecks":[]})");
  EXPECT_EQ(get_json("/v1/session/node/n2")[0]["ID"], id);
  ASSERT_EQ(put("/v1/catalog/deregister", R"({"Node":"n2"})").status, 200u);
  EXPECT_EQ(session_info(id), nullptr);
  EXPECT_EQ(get("/v1/session/node/n2").body, "[]");
}

TEST_F(SessionTest, BehaviorDeleteDeletesTheKeysItHolds) {
  const std::string id = create_session(R"({"Behavior":"delete","LockDelay":"0s"})");
  ASSERT_EQ(put("/v1/kv/ephemeral/a?acquire=" + id, "1").body, "true");
  ASSERT_EQ(put("/v1/kv/ephemeral/b", "2").body, "true");  // not held: stays
  ASSERT_EQ(put("/v1/session/destroy/" + id).body, "true");
  EXPECT_EQ(kv_entry("ephemeral/a"), nullptr);
  EXPECT_EQ(kv_value("ephemeral/b"), "2");
}

TEST_F(SessionTest, BlockingListReturnsWhenASessionGoes) {
  const std::string id = create_session();
  auto first = get("/v1/session/list");
  const std::string index = first.header("x-consul-index");
  // Nothing changes: the query waits out its wait and answers the same index.
  auto idle = get("/v1/session/list?index=" + index + "&wait=100ms");
  EXPECT_EQ(idle.header("x-consul-index"), index);
  auto waiting = std::async(std::launch::async, [&] { return get("/v1/session/node/node1?index=" + index + "&wait=30s"); });
  ASSERT_EQ(put("/v1/session/destroy/" + id).body, "true");
  auto changed = waiting.get();
  EXPECT_EQ(changed.body, "[]");
  EXPECT_GT(std::stoull(changed.header("x-consul-index")), std::stoull(index));
}

}  // namespace
}  // namespace consul_test
