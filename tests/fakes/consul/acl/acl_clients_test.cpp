// ACLs against the fake-consul binary with real clients: Debian's python3-consul2 (its script
// beside this file, run with /usr/bin/python3) bootstraps, writes policies and tokens and uses a
// scoped token; each refusal is checked by its text.
#include "tests/fakes/consul/binary_fixture.hpp"

namespace consul_binary {
namespace {

class AclClientsTest : public ConsulBinaryTest {};

TEST_F(AclClientsTest, PythonConsul2BootstrapsPoliciesTokensAndScopedRights) {
  const json ready = launch({"--acl-default-policy", "deny"});
  const std::string http = ready.at("http").get<std::string>();
  const auto colon = http.rfind(':');
  auto result = test_support::run({"/usr/bin/python3", std::string(ACL_CLIENT_SCRIPTS_DIR) + "/consul2_acl.py",
                                   http.substr(0, colon), http.substr(colon + 1)},
                                  {.timeout = 90s, .separate_stderr = false});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("all checks passed"), std::string::npos) << result.output;
}

TEST_F(AclClientsTest, BadAclFlagsStopTheBinaryNamingTheValue) {
  const fs::path err = dir_ / "acl-flags.log";
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--acl-default-policy", "maybe"}, "bad value for --acl-default-policy: \"maybe\" (want allow or deny)"},
           {{"--acl-initial-management-token", ""}, "bad value for --acl-initial-management-token: empty token"}}) {
    std::vector<std::string> argv{binary_, "--http", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_ = std::make_unique<ChildProcess>(argv, Output::fresh_log_file(err));
    EXPECT_EQ(child_->wait_exit(10s), 2) << message;
    EXPECT_TRUE(read_file(err).starts_with("fake-consul: " + message)) << read_file(err);
  }
}

TEST_F(AclClientsTest, TheInitialManagementTokenManagesFromTheStart) {
  const json ready = launch({"--acl-default-policy", "deny", "--acl-initial-management-token", "root"});
  const auto endpoint = endpoint_of(ready.at("http").get<std::string>());
  auto self = fakes::http::fetch(endpoint, verb::get, "/v1/acl/token/self", {}, {{"X-Consul-Token", "root"}});
  ASSERT_EQ(self.status, 200u) << self.body;
  EXPECT_EQ(json::parse(self.body)["Policies"][0]["Name"], "global-management");
  auto anonymous = fakes::http::fetch(endpoint, verb::put, "/v1/kv/k", "v");
  EXPECT_EQ(anonymous.status, 403u);
  EXPECT_EQ(fakes::http::fetch(endpoint, verb::get, "/v1/catalog/services").body, "{}");  // deny: filtered
}

}  // namespace
}  // namespace consul_binary
