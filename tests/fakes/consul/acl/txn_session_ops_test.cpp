// Sessions inside /v1/txn with ACLs on, as a lock client uses them: lock, check-session and
// unlock need key:write / key:read on the key; a Session operation (Consul's HTTP API has
// none) is refused by name instead of being dropped.
#include "tests/fakes/consul/acl/acl_fixture.hpp"

namespace consul_test {
namespace {

using AclTxnSessionTest = AclApiTest;

TEST_F(AclTxnSessionTest, LockCheckSessionAndUnlockInATransactionFollowTheKeyRules) {
  const std::string secret = token_with(R"(
key_prefix "locks/" { policy = "write" }
key_prefix "config/" { policy = "read" }
session_prefix "" { policy = "write" }
)",
                                        "locker");
  auto created = put("/v1/session/create", R"({"Name":"leader"})", as(secret));
  ASSERT_EQ(created.status, 200u) << created.body;
  const std::string session = json::parse(created.body)["ID"];

  auto locked = put("/v1/txn", json::array({{{"KV", {{"Verb", "lock"}, {"Key", "locks/db"}, {"Value", "bWU="}, {"Session", session}}}}}).dump(),
                    as(secret));
  ASSERT_EQ(locked.status, 200u) << locked.body;
  EXPECT_EQ(json::parse(locked.body)["Results"][0]["KV"]["Session"], session);

  auto checked = put("/v1/txn", json::array({{{"KV", {{"Verb", "check-session"}, {"Key", "locks/db"}, {"Session", session}}}}}).dump(),
                     as(secret));
  EXPECT_EQ(checked.status, 200u) << checked.body;

  auto elsewhere = put("/v1/txn", json::array({{{"KV", {{"Verb", "lock"}, {"Key", "config/db"}, {"Value", "bWU="}, {"Session", session}}}}}).dump(),
                       as(secret));
  EXPECT_EQ(elsewhere.status, 409u);
  EXPECT_EQ(json::parse(elsewhere.body)["Errors"], json::parse(R"([{"OpIndex":0,"What":"Permission denied"}])"));
  EXPECT_EQ(get("/v1/kv/config/db", as(kRootToken)).status, 404u);

  auto unlocked = put("/v1/txn", json::array({{{"KV", {{"Verb", "unlock"}, {"Key", "locks/db"}, {"Value", "bWU="}, {"Session", session}}}}}).dump(),
                      as(secret));
  ASSERT_EQ(unlocked.status, 200u) << unlocked.body;
  EXPECT_FALSE(json::parse(get("/v1/kv/locks/db", as(secret)).body)[0].contains("Session"));
}

TEST_F(AclTxnSessionTest, ASessionOperationIsRefusedNotDropped) {
  auto refused = put("/v1/txn", R"([{"KV":{"Verb":"set","Key":"a","Value":"eA=="}},{"Session":{"Verb":"delete","Session":{"ID":"x"}}}])",
                     as(kRootToken));
  EXPECT_EQ(refused.status, 400u);
  EXPECT_EQ(refused.body, "fake-consul does not model Session operations in /v1/txn (KV only)");
  EXPECT_EQ(get("/v1/kv/a", as(kRootToken)).status, 404u);
}

}  // namespace
}  // namespace consul_test
