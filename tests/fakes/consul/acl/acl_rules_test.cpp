// ACL rules as a policy author writes them (HCL and JSON) and what a token holding them may
// do: exact rules over prefix rules, the longest prefix, deny winning a merge, `list` for keys
// only, the default policy when nothing matches, and refusals that name the line.
#include "fakes/consul/acl/acl_rules.hpp"
#include "fakes/consul/acl/authorizer.hpp"

#include <gtest/gtest.h>

namespace {

using fakes::consul::AccessLevel;
using fakes::consul::AclResource;
using fakes::consul::AclRuleSet;
using fakes::consul::Authorizer;

AclRuleSet parse(const std::string& text) {
  auto parsed = fakes::consul::parse_acl_rules(text);
  if (auto* error = std::get_if<std::string>(&parsed)) ADD_FAILURE() << *error << "\n" << text;
  return std::holds_alternative<AclRuleSet>(parsed) ? std::get<AclRuleSet>(parsed) : AclRuleSet{};
}

std::string refusal(const std::string& text) {
  auto parsed = fakes::consul::parse_acl_rules(text);
  if (auto* error = std::get_if<std::string>(&parsed)) return *error;
  return "(accepted)";
}

TEST(AclRulesTest, ExactBeatsPrefixAndTheLongestPrefixWins) {
  Authorizer authz(parse(R"(
# registrator's services, but not the secure ones
service_prefix "" { policy = "write" }
service_prefix "secure-" { policy = "read" }
service "secure-web" { policy = "write" }   // this one it may register
service_prefix "secure-db" { policy = "deny" }
)"),
                   false);
  EXPECT_TRUE(authz.allows(AclResource::service, "web", AccessLevel::write));
  EXPECT_FALSE(authz.allows(AclResource::service, "secure-api", AccessLevel::write));
  EXPECT_TRUE(authz.allows(AclResource::service, "secure-api", AccessLevel::read));
  EXPECT_TRUE(authz.allows(AclResource::service, "secure-web", AccessLevel::write));
  EXPECT_FALSE(authz.allows(AclResource::service, "secure-web2", AccessLevel::write));
  EXPECT_FALSE(authz.allows(AclResource::service, "secure-db-1", AccessLevel::read));
  // Nothing names keys: the default policy (deny) decides.
  EXPECT_FALSE(authz.allows(AclResource::key, "anything", AccessLevel::read));
  Authorizer allow_by_default(parse(R"(key_prefix "private/" { policy = "deny" })"), true);
  EXPECT_TRUE(allow_by_default.allows(AclResource::key, "public/x", AccessLevel::write));
  EXPECT_FALSE(allow_by_default.allows(AclResource::key, "private/x", AccessLevel::read));
  // The ACL API itself is never granted by the default policy.
  EXPECT_FALSE(allow_by_default.allows_acl(AccessLevel::read));
}

TEST(AclRulesTest, JsonRulesMeanTheSameAsHcl) {
  Authorizer authz(parse(R"({"key_prefix": {"app/": {"policy": "list"}}, "node": {"node1": {"policy": "read"}},
                            "session_prefix": [{"": {"policy": "write"}}], "acl": "read"})"),
                   false);
  EXPECT_TRUE(authz.allows(AclResource::key, "app/x", AccessLevel::list));
  EXPECT_TRUE(authz.allows(AclResource::key, "app/x", AccessLevel::read));
  EXPECT_FALSE(authz.allows(AclResource::key, "app/x", AccessLevel::write));
  EXPECT_TRUE(authz.allows(AclResource::node, "node1", AccessLevel::read));
  EXPECT_FALSE(authz.allows(AclResource::node, "node10", AccessLevel::read));
  EXPECT_TRUE(authz.allows(AclResource::session, "node7", AccessLevel::write));
  EXPECT_TRUE(authz.allows_acl(AccessLevel::read));
  EXPECT_FALSE(authz.allows_acl(AccessLevel::write));
}

TEST(AclRulesTest, MergedPoliciesLetDenyWinThenWrite) {
  AclRuleSet merged = parse(R"(key "a" { policy = "write" }
key_prefix "b/" { policy = "read" })");
  merged.merge(parse(R"(key "a" { policy = "deny" }
key_prefix "b/" { policy = "write" })"));
  Authorizer authz(merged, true);
  EXPECT_FALSE(authz.allows(AclResource::key, "a", AccessLevel::read));
  EXPECT_TRUE(authz.allows(AclResource::key, "b/c", AccessLevel::write));
}

TEST(AclRulesTest, RecursiveWriteNeedsWriteOnEverythingUnderThePrefix) {
  Authorizer authz(parse(R"(key_prefix "app/" { policy = "write" }
key "app/locked" { policy = "read" })"),
                   false);
  EXPECT_TRUE(authz.allows_key_write_prefix("app/x/"));
  EXPECT_FALSE(authz.allows_key_write_prefix("app/"));  // app/locked is under it
  EXPECT_FALSE(authz.allows_key_write_prefix("other/"));
}

TEST(AclRulesTest, BadRulesAreRefusedNamingTheLineAndWhatWasWrong) {
  EXPECT_EQ(refusal("service \"web\" {\n  policy = \"write\"\n"),
            "Failed to parse ACL rules: At 3:1: expected an attribute name or closing '}' of the service block, got EOF");
  EXPECT_EQ(refusal("key \"a\" { policy = \"read\" }\nkey \"b\" { policy = \"admin\" }"),
            "Invalid key policy: \"admin\" for \"b\" (line 2)");
  EXPECT_EQ(refusal("service \"web\" { policy = \"list\" }"), "Invalid service policy: \"list\" for \"web\" (line 1)");
  EXPECT_EQ(refusal("\n\nservce \"web\" { policy = \"read\" }"),
            "Failed to parse ACL rules: unknown rule kind \"servce\" (line 3); known: acl, agent, event, key, keyring, "
            "mesh, node, operator, peering, query, service, session (and each named one with _prefix)");
  EXPECT_EQ(refusal("node \"n\" { polcy = \"read\" }"),
            "Failed to parse ACL rules: unknown attribute \"polcy\" in node \"n\" (line 1)");
  EXPECT_EQ(refusal("key \"a\" { policy = \"read\"\n policy = \"write\" }"),
            "Failed to parse ACL rules: At 2:2: The argument \"policy\" was already set. Each argument can only be "
            "defined once");
  EXPECT_EQ(refusal("key \"a { policy = \"read\" }"),
            "Failed to parse ACL rules: At 1:20: expected '{' to open the key \"a { policy = \" block, got \"read\"");
  EXPECT_EQ(refusal("acl = \"superuser\""), "Invalid acl policy: \"superuser\" (line 1)");
  EXPECT_EQ(refusal("{\"key\": {\"a\": \"read\"}}"),
            "Failed to parse ACL rules: the rule \"key\" \"a\" must be an object such as {\"policy\": \"read\"}");
  EXPECT_EQ(refusal(std::string(300 * 1024, ' ')),
            "Failed to parse ACL rules: the rules are 307200 bytes, more than the 262144 this fake accepts");
  EXPECT_EQ(refusal(""), "(accepted)");  // an empty policy grants nothing
}

TEST(AclRulesTest, EveryTruncationAndByteFlipOfAPolicyIsAnsweredNeverCrashes) {
  const std::string policy = R"(# all kinds
acl = "read"
service_prefix "" { policy = "write", intentions = "read" }
key "a/\"b\"" {
  policy = "list" /* keys only */
}
// the end
node_prefix "n" { policy = "deny" })";
  ASSERT_EQ(refusal(policy), "(accepted)");
  auto answered = [](const std::string& text) {
    const std::string r = refusal(text);
    return r == "(accepted)" || r.starts_with("Failed to parse ACL rules: ") || r.starts_with("Invalid ");
  };
  for (std::size_t n = 0; n <= policy.size(); ++n) EXPECT_TRUE(answered(policy.substr(0, n))) << n;
  for (std::size_t i = 0; i < policy.size(); ++i)
    for (const char c : {'\0', '"', '{', '}', '=', '\\', '\n', '\xff', '/', '*'}) {
      std::string flipped = policy;
      flipped[i] = c;
      EXPECT_TRUE(answered(flipped)) << i << " " << int(c);
    }
}

}  // namespace
