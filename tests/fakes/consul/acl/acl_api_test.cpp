// The ACL API as an operator uses it (bootstrap, policies, tokens) and what a token then may
// do on the catalog, health, KV, sessions, events and txn: refusals with Consul's texts,
// lists filtered silently, nothing half-changed by a refused request.
#include "tests/fakes/consul/acl/acl_fixture.hpp"

namespace consul_test {
namespace {

const std::string kRegistratorRules = R"(
service_prefix "" { policy = "write" }
node_prefix "" { policy = "read" }
)";

TEST_F(AclApiTest, BootstrapHandsOutOneManagementTokenOnly) {
  auto first = put("/v1/acl/bootstrap");
  ASSERT_EQ(first.status, 200u) << first.body;
  const json token = json::parse(first.body);
  EXPECT_EQ(token["Description"], "Bootstrap Token (Global Management)");
  EXPECT_EQ(token["Policies"], json::parse(R"([{"ID":"00000000-0000-0000-0000-000000000001","Name":"global-management"}])"));
  EXPECT_EQ(token["ID"], token["SecretID"]);
  const std::string secret = token["SecretID"];
  EXPECT_EQ(call(verb::put, "/v1/kv/anything", secret, "v").status, 200u);
  auto again = put("/v1/acl/bootstrap");
  EXPECT_EQ(again.status, 403u);
  EXPECT_EQ(again.body, "Permission denied: ACL bootstrap no longer allowed (reset index: " +
                            std::to_string(token["CreateIndex"].get<std::uint64_t>()) + ")");
}

TEST_F(AclApiTest, PoliciesAreCreatedReadByNameUpdatedListedAndDeleted) {
  auto created = call(verb::put, "/v1/acl/policy", kRootToken,
                      R"({"Name":"kv-app","Description":"app keys","Rules":"key_prefix \"app/\" { policy = \"write\" }"})");
  ASSERT_EQ(created.status, 200u) << created.body;
  const json policy = json::parse(created.body);
  const std::string id = policy["ID"];
  EXPECT_EQ(policy["Rules"], "key_prefix \"app/\" { policy = \"write\" }");
  EXPECT_EQ(json::parse(get("/v1/acl/policy/name/kv-app", as(kRootToken)).body)["ID"], id);
  EXPECT_EQ(json::parse(get("/v1/acl/policy/" + id, as(kRootToken)).body)["Description"], "app keys");

  auto updated = call(verb::put, "/v1/acl/policy/" + id, kRootToken,
                      R"({"Name":"kv-app","Rules":"key_prefix \"app/\" { policy = \"read\" }"})");
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_GT(json::parse(updated.body)["ModifyIndex"].get<int>(), policy["ModifyIndex"].get<int>());

  const json list = json::parse(get("/v1/acl/policies", as(kRootToken)).body);
  ASSERT_EQ(list.size(), 2u);  // global-management and kv-app
  EXPECT_EQ(list[0]["Name"], "global-management");
  EXPECT_FALSE(list[1].contains("Rules"));  // list stubs carry no rules

  auto same_name = call(verb::put, "/v1/acl/policy", kRootToken, R"({"Name":"kv-app"})");
  EXPECT_EQ(same_name.status, 500u);
  EXPECT_EQ(same_name.body, "Invalid Policy: A Policy with Name \"kv-app\" already exists");
  auto builtin = call(verb::delete_, "/v1/acl/policy/00000000-0000-0000-0000-000000000001", kRootToken);
  EXPECT_EQ(builtin.body, "Delete operation not permitted on the builtin global-management policy");

  ASSERT_EQ(call(verb::delete_, "/v1/acl/policy/" + id, kRootToken).body, "true");
  auto gone = get("/v1/acl/policy/" + id, as(kRootToken));
  EXPECT_EQ(gone.status, 403u);
  EXPECT_EQ(gone.body, "ACL not found");
}

TEST_F(AclApiTest, RulesThatDoNotParseAreRefusedAndNothingChanges) {
  const std::string before = get("/v1/acl/policies", as(kRootToken)).body;
  auto bad = call(verb::put, "/v1/acl/policy", kRootToken,
                  json{{"Name", "broken"}, {"Rules", "service \"web\" {\n  policy = \"write\"\n"}}.dump());
  EXPECT_EQ(bad.status, 500u);
  EXPECT_EQ(bad.body, "Failed to parse ACL rules: At 3:1: expected an attribute name or closing '}' of the service block, got EOF");
  auto level = call(verb::put, "/v1/acl/policy", kRootToken,
                    json{{"Name", "broken"}, {"Rules", "key \"a\" { policy = \"admin\" }"}}.dump());
  EXPECT_EQ(level.body, "Invalid key policy: \"admin\" for \"a\" (line 1)");
  auto name = call(verb::put, "/v1/acl/policy", kRootToken, R"({"Name":"no spaces"})");
  EXPECT_EQ(name.body, "Invalid Policy: invalid Name. Only alphanumeric characters, '-' and '_' are allowed");
  auto field = call(verb::put, "/v1/acl/policy", kRootToken, R"({"Name":"x","Rulez":""})");
  EXPECT_EQ(field.status, 400u);
  EXPECT_EQ(field.body, "Policy decoding failed: unknown field \"Rulez\"");
  EXPECT_EQ(get("/v1/acl/policies", as(kRootToken)).body, before);
}

TEST_F(AclApiTest, TokensLinkPoliciesAndKnowThemselves) {
  const std::string secret = token_with(kRegistratorRules, "registrator");
  auto self = get("/v1/acl/token/self", as(secret));
  ASSERT_EQ(self.status, 200u) << self.body;
  const json token = json::parse(self.body);
  EXPECT_EQ(token["Policies"][0]["Name"], "registrator");
  EXPECT_EQ(token["SecretID"], secret);
  const std::string accessor = token["AccessorID"];

  auto read = get("/v1/acl/token/" + accessor, as(kRootToken));
  EXPECT_EQ(json::parse(read.body)["Description"], "registrator");
  const json listed = json::parse(get("/v1/acl/tokens?policy=" + token["Policies"][0]["ID"].get<std::string>(), as(kRootToken)).body);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["AccessorID"], accessor);

  auto updated = call(verb::put, "/v1/acl/token/" + accessor, kRootToken, R"({"Description":"no rights now"})");
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_FALSE(json::parse(updated.body).contains("Policies"));
  auto refused = put("/v1/agent/service/register", R"({"Name":"web"})", as(secret));
  EXPECT_EQ(refused.body, "Permission denied: token with AccessorID '" + accessor + "' lacks permission 'service:write' on \"web\"");

  auto unknown_policy = call(verb::put, "/v1/acl/token", kRootToken, R"({"Policies":[{"Name":"nope"}]})");
  EXPECT_EQ(unknown_policy.status, 500u);
  EXPECT_EQ(unknown_policy.body, "No such ACL policy with name \"nope\"");
  auto roles = call(verb::put, "/v1/acl/token", kRootToken, R"({"Roles":[{"Name":"r"}]})");
  EXPECT_EQ(roles.status, 400u);
  EXPECT_EQ(roles.body, "Token decoding failed: fake-consul does not model the token field Roles");

  EXPECT_EQ(call(verb::delete_, "/v1/acl/token/" + accessor, kRootToken).body, "true");
  auto gone = get("/v1/acl/token/self", as(secret));
  EXPECT_EQ(gone.status, 403u);
  EXPECT_EQ(gone.body, "ACL not found");
}

TEST_F(AclApiTest, TheAclApiNeedsAclRights) {
  const std::string secret = token_with(kRegistratorRules, "registrator");
  const std::string accessor = accessor_of(secret);
  auto list = get("/v1/acl/policies", as(secret));
  EXPECT_EQ(list.status, 403u);
  EXPECT_EQ(list.body, "Permission denied: token with AccessorID '" + accessor + "' lacks permission 'acl:read'");
  auto create = call(verb::put, "/v1/acl/token", secret, "{}");
  EXPECT_EQ(create.body, "Permission denied: token with AccessorID '" + accessor + "' lacks permission 'acl:write'");
  const std::string reader = token_with("acl = \"read\"", "acl-reader");
  auto hidden = json::parse(get("/v1/acl/tokens", as(reader)).body);
  ASSERT_FALSE(hidden.empty());
  EXPECT_EQ(hidden[0]["SecretID"], "<hidden>");
}

TEST_F(AclApiTest, TheTokenTravelsInAnyOfConsulsThreePlaces) {
  const std::string secret = token_with(R"(key_prefix "" { policy = "write" })", "kv");
  EXPECT_EQ(put("/v1/kv/a", "1", {{"X-Consul-Token", secret}}).status, 200u);
  EXPECT_EQ(put("/v1/kv/b", "1", {{"Authorization", "Bearer " + secret}}).status, 200u);
  EXPECT_EQ(put("/v1/kv/c?token=" + secret, "1").status, 200u);
  auto anonymous = put("/v1/kv/d", "1");
  EXPECT_EQ(anonymous.status, 403u);
  EXPECT_EQ(anonymous.body,
            "Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission 'key:write' on \"d\"");
  auto unknown = put("/v1/kv/d", "1", as("not-a-token"));
  EXPECT_EQ(unknown.status, 403u);
  EXPECT_EQ(unknown.body, "ACL not found");
}

TEST_F(AclApiTest, CatalogAndHealthListsShowOnlyWhatTheTokenMayRead) {
  for (const char* name : {"web", "db", "secret-api"})
    ASSERT_EQ(call(verb::put, "/v1/agent/service/register", kRootToken, json{{"Name", name}, {"Port", 80}}.dump()).status, 200u);
  const std::string secret = token_with(R"(
service_prefix "" { policy = "read" }
service_prefix "secret-" { policy = "deny" }
node_prefix "" { policy = "read" }
)",
                                        "reader");
  EXPECT_EQ(get("/v1/catalog/services", as(secret)).body, R"({"db":[],"web":[]})");
  EXPECT_EQ(get("/v1/catalog/service/secret-api", as(secret)).body, "[]");
  EXPECT_EQ(json::parse(get("/v1/catalog/service/web", as(secret)).body).size(), 1u);
  EXPECT_EQ(json::parse(get("/v1/health/service/web", as(secret)).body).size(), 1u);
  EXPECT_EQ(get("/v1/health/service/secret-api", as(secret)).body, "[]");
  EXPECT_EQ(json::parse(get("/v1/agent/services", as(secret)).body).size(), 2u);
  // The anonymous token reads nothing under default deny: empty, not refused.
  EXPECT_EQ(get("/v1/catalog/services").body, "{}");
  EXPECT_EQ(get("/v1/catalog/nodes").body, "[]");
  EXPECT_EQ(get("/v1/agent/services").body, "{}");
  auto one = get("/v1/agent/service/web");
  EXPECT_EQ(one.status, 403u);
  EXPECT_EQ(one.body, "Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission "
                      "'service:read' on \"web\"");
  auto health = get("/v1/agent/health/service/name/secret-api", as(secret));
  EXPECT_EQ(health.status, 403u);
  EXPECT_EQ(health.body, "Permission denied: token with AccessorID '" + accessor_of(secret) +
                             "' lacks permission 'service:read' on \"secret-api\"");
  EXPECT_EQ(get("/v1/agent/health/service/name/web", as(secret)).status, 200u);
  // After the policy changes, the same token sees more.
  const json policy = json::parse(get("/v1/acl/policy/name/reader", as(kRootToken)).body);
  ASSERT_EQ(call(verb::put, "/v1/acl/policy/" + policy["ID"].get<std::string>(), kRootToken,
                 json{{"Name", "reader"}, {"Rules", "service_prefix \"\" { policy = \"read\" }\nnode_prefix \"\" { policy = \"read\" }"}}.dump())
                .status,
            200u);
  EXPECT_EQ(get("/v1/catalog/services", as(secret)).body, R"({"db":[],"secret-api":[],"web":[]})");
}

TEST_F(AclApiTest, PreparedQueriesNeedQueryRightsAndTheirExecutionsShowOnlyReadableInstances) {
  for (const char* name : {"web", "secret-api"})
    ASSERT_EQ(call(verb::put, "/v1/agent/service/register", kRootToken, json{{"Name", name}, {"Port", 80}}.dump()).status, 200u);
  for (const char* q : {R"({"Name":"web-q","Service":{"Service":"web"}})", R"({"Name":"secret-q","Service":{"Service":"secret-api"}})"})
    ASSERT_EQ(call(verb::post, "/v1/query", kRootToken, q).status, 200u) << q;
  const std::string reader = token_with(R"(
query_prefix "" { policy = "read" }
query_prefix "secret-" { policy = "deny" }
service "web" { policy = "read" }
node_prefix "" { policy = "read" }
)",
                                        "query-reader");
  const json listed = json::parse(get("/v1/query", as(reader)).body);
  ASSERT_EQ(listed.size(), 1u) << listed;
  EXPECT_EQ(listed[0]["Name"], "web-q");
  EXPECT_EQ(json::parse(get("/v1/query", as(kRootToken)).body).size(), 2u);
  EXPECT_EQ(json::parse(get("/v1/query/web-q/execute", as(reader)).body)["Nodes"].size(), 1u);
  // The secret query runs, but its instances are the secret service's, which the token cannot read.
  EXPECT_EQ(json::parse(get("/v1/query/secret-q/execute", as(reader)).body)["Nodes"].size(), 0u);
  EXPECT_EQ(json::parse(get("/v1/query/secret-q/execute", as(kRootToken)).body)["Nodes"].size(), 1u);
  // Writing needs query:write on the name.
  auto refused = call(verb::post, "/v1/query", reader, R"({"Name":"web-2","Service":{"Service":"web"}})");
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(json::parse(get("/v1/query", as(kRootToken)).body).size(), 2u);
}

TEST_F(AclApiTest, KvReadsAreRefusedOrFilteredAndRecursiveDeletesNeedTheWholePrefix) {
  for (const char* key : {"app/a", "app/b", "app/locked", "other/x"})
    ASSERT_EQ(call(verb::put, std::string("/v1/kv/") + key, kRootToken, "v").status, 200u);
  const std::string secret = token_with(R"(
key_prefix "app/" { policy = "write" }
key "app/locked" { policy = "deny" }
)",
                                        "app");
  const std::string accessor = accessor_of(secret);
  auto listed = json::parse(get("/v1/kv/?recurse", as(secret)).body);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["Key"], "app/a");
  EXPECT_EQ(listed[1]["Key"], "app/b");
  EXPECT_EQ(get("/v1/kv/?keys", as(secret)).body, R"(["app/a","app/b"])");
  auto locked = get("/v1/kv/app/locked", as(secret));
  EXPECT_EQ(locked.status, 403u);
  EXPECT_EQ(locked.body, "Permission denied: token with AccessorID '" + accessor + "' lacks permission 'key:read' on \"app/locked\"");
  EXPECT_EQ(get("/v1/kv/other/?recurse", as(secret)).status, 404u);  // all filtered: as if empty

  auto tree = call(verb::delete_, "/v1/kv/app/?recurse", secret);
  EXPECT_EQ(tree.status, 403u);
  EXPECT_EQ(tree.body, "Permission denied: token with AccessorID '" + accessor + "' lacks permission 'key:write' on \"app/\"");
  EXPECT_EQ(json::parse(get("/v1/kv/?recurse", as(kRootToken)).body).size(), 4u);  // nothing deleted
  EXPECT_EQ(call(verb::delete_, "/v1/kv/app/a", secret).body, "true");
}

TEST_F(AclApiTest, TxnRefusesEachOperationTheTokenMayNotDoAndRunsNone) {
  const std::string secret = token_with(R"(key_prefix "mine/" { policy = "write" }
key_prefix "theirs/" { policy = "read" })",
                                        "txn");
  ASSERT_EQ(call(verb::put, "/v1/kv/hidden", kRootToken, "h").status, 200u);
  ASSERT_EQ(call(verb::put, "/v1/kv/mine-hidden", kRootToken, "h").status, 200u);
  auto refused = put("/v1/txn", R"([{"KV":{"Verb":"set","Key":"mine/a","Value":"eA=="}},
                                    {"KV":{"Verb":"set","Key":"theirs/a","Value":"eA=="}},
                                    {"KV":{"Verb":"check-not-exists","Key":"hidden"}}])",
                     as(secret));
  EXPECT_EQ(refused.status, 409u);
  EXPECT_EQ(json::parse(refused.body)["Errors"],
            json::parse(R"([{"OpIndex":1,"What":"Permission denied"},{"OpIndex":2,"What":"Permission denied"}])"));
  EXPECT_EQ(get("/v1/kv/mine/a", as(kRootToken)).status, 404u);  // nothing ran

  ASSERT_EQ(put("/v1/txn", R"([{"KV":{"Verb":"set","Key":"mine/a","Value":"eA=="}}])", as(secret)).status, 200u);
  auto read = put("/v1/txn", R"([{"KV":{"Verb":"get-tree","Key":"mine"}}])", as(secret));
  ASSERT_EQ(read.status, 200u) << read.body;
  const json answer = json::parse(read.body);
  ASSERT_EQ(answer["Results"].size(), 1u);  // "mine-hidden" filtered out
  EXPECT_EQ(answer["Results"][0]["KV"]["Key"], "mine/a");
  EXPECT_EQ(answer["ResultsFilteredByACLs"], true);
}

TEST_F(AclApiTest, SessionsAndEventsFollowTheirRules) {
  const std::string secret = token_with(R"(
session_prefix "" { policy = "write" }
event_prefix "deploy" { policy = "write" }
)",
                                        "ops");
  const std::string accessor = accessor_of(secret);
  auto session = put("/v1/session/create", "{}", as(secret));
  ASSERT_EQ(session.status, 200u) << session.body;
  EXPECT_EQ(json::parse(get("/v1/session/list", as(secret)).body).size(), 1u);
  EXPECT_EQ(get("/v1/session/list").body, "[]");  // anonymous: filtered
  auto anonymous = put("/v1/session/create", "{}");
  EXPECT_EQ(anonymous.status, 403u);
  EXPECT_EQ(anonymous.body, "Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks "
                            "permission 'session:write' on \"node1\"");

  ASSERT_EQ(put("/v1/event/fire/deploy-web", "", as(secret)).status, 200u);
  auto restart = put("/v1/event/fire/restart", "", as(secret));
  EXPECT_EQ(restart.status, 403u);
  EXPECT_EQ(restart.body, "Permission denied: token with AccessorID '" + accessor + "' lacks permission 'event:write' on \"restart\"");
  ASSERT_EQ(put("/v1/event/fire/restart", "", as(kRootToken)).status, 200u);
  const json events = json::parse(get("/v1/event/list", as(secret)).body);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["Name"], "deploy-web");
}

class AclOffTest : public ConsulFixture {
 protected:
  void SetUp() override { start(); }
};

TEST_F(AclOffTest, WithoutTheFlagTheAclApiIsDisabledAndEverythingIsAllowed) {
  auto bootstrap = put("/v1/acl/bootstrap");
  EXPECT_EQ(bootstrap.status, 401u);
  EXPECT_EQ(bootstrap.body, "ACL support disabled");
  EXPECT_EQ(get("/v1/acl/policies").body, "ACL support disabled");
  EXPECT_EQ(put("/v1/kv/k", "v", {{"X-Consul-Token", "whatever"}}).status, 200u);
  EXPECT_EQ(get("/v1/kv/k?raw").body, "v");
}

}  // namespace
}  // namespace consul_test
