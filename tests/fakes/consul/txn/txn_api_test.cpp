// PUT /v1/txn with KV operations, as a client batching KV writes sees it: all operations at one
// index or none (409 with the failing operation's index and Consul's text), reads answered
// with their values, locks with sessions and lock-delay, and Consul's refusals of bad bodies.
#include "tests/fakes/consul/sessions/session_fixture.hpp"

#include "registrator/encoding/base64.hpp"

namespace consul_test {
namespace {

using TxnTest = SessionTest;

json kv_op(const std::string& verb, const std::string& key, json extra = json::object()) {
  extra["Verb"] = verb;
  extra["Key"] = key;
  return {{"KV", extra}};
}

std::string b64(const std::string& s) { return registrator::base64_encode(s); }

TEST_F(TxnTest, WritesApplyTogetherAtOneIndex) {
  const json ops = {kv_op("set", "app/a", {{"Value", b64("1")}}), kv_op("set", "app/b", {{"Value", b64("2")}, {"Flags", 7}}),
                    kv_op("delete", "app/none")};
  auto res = put("/v1/txn", ops.dump());
  ASSERT_EQ(res.status, 200u) << res.body;
  const json body = json::parse(res.body);
  EXPECT_EQ(body["Errors"], nullptr);
  ASSERT_EQ(body["Results"].size(), 2u);  // a delete answers nothing
  const json& a = body["Results"][0]["KV"];
  EXPECT_EQ(a["Key"], "app/a");
  EXPECT_EQ(a["Value"], nullptr);  // writes answer no value
  EXPECT_EQ(a["ModifyIndex"], body["Results"][1]["KV"]["ModifyIndex"]);
  EXPECT_FALSE(body.contains("KnownLeader"));  // a write is no read: no query meta
  EXPECT_EQ(kv_value("app/a"), "1");
  EXPECT_EQ(kv_entry("app/b")["Flags"], 7);
  EXPECT_EQ(kv_entry("app/b")["ModifyIndex"], a["ModifyIndex"]);
}

TEST_F(TxnTest, AFailingOperationChangesNothing) {
  ASSERT_EQ(put("/v1/kv/app/a", "old").body, "true");
  const auto index = get("/v1/kv/app/a").header("x-consul-index");
  const json ops = {kv_op("set", "app/new", {{"Value", b64("x")}}), kv_op("delete", "app/a"),
                    kv_op("cas", "app/a", {{"Index", 1}, {"Value", b64("y")}})};
  auto res = put("/v1/txn", ops.dump());
  EXPECT_EQ(res.status, 409u);
  const json body = json::parse(res.body);
  EXPECT_EQ(body["Results"], nullptr);
  EXPECT_EQ(body["Errors"], json::parse(R"([{"OpIndex":2,"What":"failed to set key \"app/a\", index is stale"}])"));
  EXPECT_EQ(kv_entry("app/new"), nullptr);
  EXPECT_EQ(kv_value("app/a"), "old");
  EXPECT_EQ(get("/v1/kv/app/a").header("x-consul-index"), index);
}

TEST_F(TxnTest, ReadsAnswerValuesWithTheReadsQueryMeta) {
  ASSERT_EQ(put("/v1/kv/cfg/a", "1").body, "true");
  ASSERT_EQ(put("/v1/kv/cfg/b", "2").body, "true");
  const json ops = {kv_op("get", "cfg/a"), kv_op("get-tree", "cfg/"), kv_op("check-not-exists", "cfg/c")};
  auto res = put("/v1/txn", ops.dump());
  ASSERT_EQ(res.status, 200u) << res.body;
  const json body = json::parse(res.body);
  ASSERT_EQ(body["Results"].size(), 3u);
  EXPECT_EQ(body["Results"][0]["KV"]["Value"], b64("1"));
  EXPECT_EQ(body["Results"][2]["KV"]["Key"], "cfg/b");
  EXPECT_EQ(body["Results"][2]["KV"]["Value"], b64("2"));
  EXPECT_EQ(body["KnownLeader"], true);
  EXPECT_EQ(res.header("x-consul-knownleader"), "true");

  auto missing = put("/v1/txn", json::array({kv_op("get", "cfg/zz"), kv_op("check-not-exists", "cfg/a")}).dump());
  EXPECT_EQ(missing.status, 409u);
  EXPECT_EQ(json::parse(missing.body)["Errors"],
            json::parse(R"([{"OpIndex":0,"What":"key \"cfg/zz\" doesn't exist"},{"OpIndex":1,"What":"key \"cfg/a\" exists"}])"));
}

TEST_F(TxnTest, LocksTakeSessionsAndRespectTheLockDelay) {
  const std::string a = create_session(R"({"LockDelay":"10s"})");
  const std::string b = create_session(R"({"LockDelay":"0s"})");
  auto locked = put("/v1/txn", json::array({kv_op("lock", "l", {{"Session", a}, {"Value", b64("a")}})}).dump());
  ASSERT_EQ(locked.status, 200u) << locked.body;
  const json entry = json::parse(locked.body)["Results"][0]["KV"];
  EXPECT_EQ(entry["Session"], a);
  EXPECT_EQ(entry["LockIndex"], 1);
  EXPECT_EQ(kv_entry("l")["Session"], a);

  const struct {
    json op;
    std::string what;
  } refusals[] = {
      {kv_op("lock", "l", {{"Session", b}}), "failed to lock key \"l\", lock is already held"},
      {kv_op("unlock", "l", {{"Session", b}}), "failed to unlock key \"l\", lock isn't held, or is held by another session"},
      {kv_op("lock", "m", {{"Session", "made-up"}}), "invalid session \"made-up\""},
      {kv_op("lock", "m"), "missing session"},
      {kv_op("check-session", "l", {{"Session", b}}),
       "failed session check for key \"l\", current session \"" + a + "\" != \"" + b + "\""},
  };
  for (const auto& r : refusals) {
    auto res = put("/v1/txn", json::array({r.op}).dump());
    EXPECT_EQ(res.status, 409u) << r.op;
    EXPECT_EQ(json::parse(res.body)["Errors"][0]["What"], r.what) << r.op;
  }
  EXPECT_EQ(kv_entry("m"), nullptr);

  ASSERT_EQ(put("/v1/session/destroy/" + a).body, "true");
  auto delayed = put("/v1/txn", json::array({kv_op("lock", "l", {{"Session", b}})}).dump());
  EXPECT_EQ(delayed.status, 409u);
  EXPECT_EQ(json::parse(delayed.body)["Errors"][0]["What"], "failed to lock key \"l\" due to lock delay");
  advance(10s);
  EXPECT_EQ(put("/v1/txn", json::array({kv_op("lock", "l", {{"Session", b}})}).dump()).status, 200u);
  EXPECT_EQ(kv_entry("l")["LockIndex"], 2);
}

TEST_F(TxnTest, ChecksAndDeletesAsConsulWordsThem) {
  ASSERT_EQ(put("/v1/kv/t/a", "1").body, "true");
  ASSERT_EQ(put("/v1/kv/t/b", "2").body, "true");
  const auto index = kv_entry("t/a")["ModifyIndex"].get<std::uint64_t>();
  const struct {
    json op;
    std::string what;
  } refusals[] = {
      {kv_op("check-index", "t/a", {{"Index", index + 100}}),
       "failed index check for key \"t/a\", current modify index " + std::to_string(index) + " != " +
           std::to_string(index + 100)},
      {kv_op("check-index", "t/zz"), "failed to check index, key \"t/zz\" doesn't exist"},
      {kv_op("delete-cas", "t/a", {{"Index", index + 100}}), "failed to delete key \"t/a\", index is stale"},
      {kv_op("fetch", "t/a"), "unknown KV verb \"fetch\""},
      {kv_op("set", ""), "Must provide key"},
  };
  for (const auto& r : refusals) {
    auto res = put("/v1/txn", json::array({r.op}).dump());
    EXPECT_EQ(res.status, 409u) << r.op;
    EXPECT_EQ(json::parse(res.body)["Errors"][0]["What"], r.what) << r.op;
  }
  auto ok = put("/v1/txn", json::array({kv_op("check-index", "t/a", {{"Index", index}}), kv_op("delete-cas", "t/a", {{"Index", index}}),
                                kv_op("delete-tree", "t/")})
                               .dump());
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(kv_entry("t/a"), nullptr);
  EXPECT_EQ(kv_entry("t/b"), nullptr);
}

TEST_F(TxnTest, BadBodiesGetConsulsStatusAndText) {
  auto not_json = put("/v1/txn", "{");
  EXPECT_EQ(not_json.status, 400u);
  EXPECT_TRUE(not_json.body.starts_with("Failed to parse body: ")) << not_json.body;
  auto bad_value = put("/v1/txn", R"([{"KV":{"Verb":"set","Key":"k","Value":"ab!d"}}])");
  EXPECT_EQ(bad_value.status, 400u);
  EXPECT_EQ(bad_value.body, "Failed to parse body: illegal base64 data at input byte 2");
  json many = json::array();
  for (int i = 0; i < 65; ++i) many.push_back(kv_op("set", "k" + std::to_string(i)));
  auto too_many = put("/v1/txn", many.dump());
  EXPECT_EQ(too_many.status, 413u);
  EXPECT_EQ(too_many.body, "Transaction contains too many operations (65 > 64)");
  auto node = put("/v1/txn", R"([{"Node":{"Verb":"set","Node":{"Node":"n","Address":"10.0.0.1"}}}])");
  EXPECT_EQ(node.status, 400u);
  EXPECT_EQ(node.body, "fake-consul does not model Node operations in /v1/txn (KV only)");
  EXPECT_EQ(get("/v1/txn").status, 405u);
  EXPECT_EQ(kv_entry("k0"), nullptr);
}

}  // namespace
}  // namespace consul_test
