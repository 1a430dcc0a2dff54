// registrator against a fake-consul with ACLs on (default deny), as an operator deploys it: a
// token whose policy grants service:write (and node:read) lets it register a container; a
// token without service:write gets Consul's 403, which registrator logs, and nothing is
// registered. The token reaches registrator the way upstream's does: CONSUL_HTTP_TOKEN.
#include <gtest/gtest.h>

#include "tests/support/process/child.hpp"
#include "tests/support/registrator/docker_request.hpp"
#include "tests/support/test_helpers.hpp"

#include <nlohmann/json.hpp>

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using regtest::bin;

constexpr const char* kRoot = "root-secret";

class RegistratorWithAclToken : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path consul_ready = dir.path() / "consul.ready";
    consul = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("fake-consul"), "--http", "127.0.0.1:0", "--ready-file", consul_ready.string(),
                              "--acl-default-policy", "deny", "--acl-master-token", kRoot},
        test_support::Output::log_file(dir.path() / "consul.log"));
    ASSERT_TRUE(consul->wait_for_file(consul_ready, 20s));
    const std::string http = json::parse(regtest::read_text(consul_ready)).at("http");
    consul_endpoint = registrator::http::Endpoint::tcp(http.substr(0, http.rfind(':')), http.substr(http.rfind(':') + 1));
    consul_address = http;

    socket = (dir.path() / "docker.sock").string();
    const fs::path docker_ready = dir.path() / "docker.ready";
    docker = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("fake-docker"), "--socket", socket, "--ready-file", docker_ready.string()},
        test_support::Output::log_file(dir.path() / "docker.log"));
    ASSERT_TRUE(docker->wait_for_file(docker_ready, 20s));
    ASSERT_EQ(regtest::docker_request(socket, "POST", "/v1.47/containers/create?name=web1",
                                      R"({"Image":"web","ExposedPorts":{"80/tcp":{}}})")
                  .status,
              201u);
    ASSERT_EQ(regtest::docker_request(socket, "POST", "/v1.47/containers/web1/start").status, 204u);
  }

  registrator::http::Response consul_call(const std::string& method, const std::string& target, const std::string& body = {}) {
    auto req = regtest::json_request(method, target, body);
    req.headers.emplace_back("X-Consul-Token", kRoot);
    return registrator::http::send(consul_endpoint, req, 5s);
  }

  /// A token holding a new policy with `rules`: {SecretID, AccessorID}.
  std::pair<std::string, std::string> token_with(const std::string& rules) {
    auto policy = consul_call("PUT", "/v1/acl/policy", json{{"Name", "registrator"}, {"Rules", rules}}.dump());
    EXPECT_EQ(policy.status, 200u) << policy.body;
    auto token = consul_call("PUT", "/v1/acl/token", R"({"Description":"registrator","Policies":[{"Name":"registrator"}]})");
    EXPECT_EQ(token.status, 200u) << token.body;
    const json t = json::parse(token.body);
    return {t.at("SecretID"), t.at("AccessorID")};
  }

  json services() { return json::parse(consul_call("GET", "/v1/agent/services").body); }

  std::unique_ptr<test_support::ChildProcess> start_registrator(const std::string& token) {
    return std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("registrator"), "-hostname", "host1", "-internal", "-retry-interval", "200",
                              "consul://" + consul_address}
            .env("DOCKER_HOST", "unix://" + socket)
            .env("CONSUL_HTTP_TOKEN", token),
        test_support::Output::log_file(log_path()));
  }
  std::string log() const { return regtest::read_text(log_path()); }
  std::string log_path() const { return (dir.path() / "registrator.log").string(); }

  regtest::TempDir dir{"reg-acl"};
  std::unique_ptr<test_support::ChildProcess> consul, docker;
  registrator::http::Endpoint consul_endpoint;
  std::string consul_address, socket;
};

TEST_F(RegistratorWithAclToken, AScopedServiceWriteTokenRegistersTheContainer) {
  auto [secret, accessor] = token_with(R"(
service_prefix "" { policy = "write" }
node_prefix "" { policy = "read" }
)");
  auto registrator = start_registrator(secret);
  EXPECT_TRUE(regtest::eventually([&] { return services().contains("host1:web1:80"); }, 20s)) << log();
  EXPECT_EQ(services()["host1:web1:80"]["Service"], "web");
  EXPECT_TRUE(registrator->running()) << log();
}

TEST_F(RegistratorWithAclToken, ATokenWithoutServiceWriteIsRefusedAndRegistratorLogsTheRefusal) {
  auto [secret, accessor] = token_with(R"(
service_prefix "" { policy = "read" }
node_prefix "" { policy = "read" }
)");
  auto registrator = start_registrator(secret);
  const std::string refusal = "403 (Permission denied: token with AccessorID '" + accessor +
                              "' lacks permission 'service:write' on \"web\")";
  EXPECT_TRUE(regtest::eventually([&] { return log().find(refusal) != std::string::npos; }, 20s)) << log();
  EXPECT_EQ(services(), json::object());
  EXPECT_TRUE(registrator->running()) << log();
}

}  // namespace
