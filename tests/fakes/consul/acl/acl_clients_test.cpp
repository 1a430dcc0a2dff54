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

}  // namespace
}  // namespace consul_binary
