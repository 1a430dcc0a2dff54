#pragma once
// A fake-consul with ACLs on (default deny, a known management token) and the calls an
// operator makes to hand out tokens: a policy from rules, a token holding it.
#include "tests/fakes/consul/consul_fixture.hpp"

#include <string>

namespace consul_test {

inline constexpr const char* kRootToken = "root-secret";

class AclApiTest : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.agent.acl_default_policy = "deny";
    options.agent.acl_master_token = kRootToken;
    start(std::move(options));
  }
  static fakes::http::HeaderList as(const std::string& token) { return {{"X-Consul-Token", token}}; }
  ClientResponse call(verb method, const std::string& target, const std::string& token, const std::string& body = {}) {
    return fakes::http::fetch(endpoint(), method, target, body, as(token));
  }
  /// A new policy with these rules and a token holding it; the token's SecretID.
  std::string token_with(const std::string& rules, const std::string& policy_name) {
    auto policy = call(verb::put, "/v1/acl/policy", kRootToken, json{{"Name", policy_name}, {"Rules", rules}}.dump());
    EXPECT_EQ(policy.status, 200u) << policy.body;
    auto token = call(verb::put, "/v1/acl/token", kRootToken,
                      json{{"Description", policy_name}, {"Policies", {{{"Name", policy_name}}}}}.dump());
    EXPECT_EQ(token.status, 200u) << token.body;
    return token.status == 200u ? json::parse(token.body).at("SecretID").get<std::string>() : "";
  }
  std::string accessor_of(const std::string& secret) {
    auto self = get("/v1/acl/token/self", as(secret));
    EXPECT_EQ(self.status, 200u) << self.body;
    return json::parse(self.body).at("AccessorID").get<std::string>();
  }
};

}  // namespace consul_test
