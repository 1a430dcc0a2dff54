// The registrator binary registers an IPv6-only container (its network has only a
// GlobalIPv6Address) with that address under -internal. fake-docker always reports IPv4 and empty
// IPv6 fields, so a scripted Docker daemon serves the inspect document; the registry is the real
// fake-consul (agent services and KV).
#include <gtest/gtest.h>

#include "tests/support/process/fake_consul_process.hpp"
#include "tests/support/registrator/scripted_docker.hpp"
#include "tests/support/process/child.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using regtest::bin;

namespace {

const std::string kId(64, 'a');

std::string ipv6_only_container() {
  json j;
  j["Id"] = kId;
  j["Name"] = "/web6";
  j["Config"] = {{"Image", "web"},
                 {"Env", json::array({"SERVICE_CHECK_TCP=true"})},
                 {"ExposedPorts", {{"80/tcp", json::object()}}}};
  j["HostConfig"] = {{"NetworkMode", "v6only"}};
  j["NetworkSettings"] = {
      {"Ports", json::object()},
      {"Networks",
       {{"v6only", {{"IPAddress", ""}, {"GlobalIPv6Address", "fd00:6::2"}, {"GlobalIPv6PrefixLen", 64}}}}}};
  j["State"] = {{"Running", true}};
  return j.dump();
}

class RegistratorIpv6 : public ::testing::Test {
 protected:
  void run_registrator(const std::string& uri) {
    registrator = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("registrator"), "-hostname", "host1", "-internal", uri}.env("DOCKER_HOST",
                                                                                            "unix://" + socket),
        test_support::Output::log_file(log_path()));
  }
  std::string log_path() const { return (dir.path() / "registrator.log").string(); }
  std::string log() const { return regtest::read_text(log_path()); }

  regtest::TempDir dir{"reg-ipv6"};
  std::string socket = (dir.path() / "docker.sock").string();
  regtest::ScriptedDocker docker{socket, [](const std::string& path, int) {
                                   if (path == "/containers/json") return regtest::http_response(200, json::array({{{"Id", kId}}}).dump());
                                   if (path == "/containers/" + kId + "/json") return regtest::http_response(200, ipv6_only_container());
                                   return regtest::http_response(404, R"({"message":"not found"})");
                                 }};
  regtest::FakeConsulProcess consul;
  std::unique_ptr<test_support::ChildProcess> registrator;
};

TEST_F(RegistratorIpv6, ConsulServiceAddressAndTcpCheckUseTheIpv6Address) {
  run_registrator("consul://" + consul.http_address());
  ASSERT_TRUE(regtest::eventually([&] { return consul.get("/v1/agent/service/host1:web6:80").status == 200; }, 20s))
      << log();
  auto service = json::parse(consul.get("/v1/agent/service/host1:web6:80").body);
  EXPECT_EQ(service["Address"], "fd00:6::2");
  EXPECT_EQ(service["Port"], 80);
  // The check's TCP address as sent (fake-consul's request log keeps the body).
  bool sent_bracketed = false;
  for (const auto& r : json::parse(consul.get("/_fake/requests").body)) {
    if (r.value("Target", "") == "/v1/agent/service/register" &&
        r.value("Body", "").find(R"("TCP":"[fd00:6::2]:80")") != std::string::npos)
      sent_bracketed = true;
  }
  EXPECT_TRUE(sent_bracketed) << consul.get("/_fake/requests").body;
}

TEST_F(RegistratorIpv6, ConsulKvValueIsBracketedHostPort) {
  run_registrator("consulkv://" + consul.http_address() + "/services");
  ASSERT_TRUE(regtest::eventually(
      [&] { return consul.get("/v1/kv/services/web/host1:web6:80?raw").status == 200; }, 20s))
      << log();
  EXPECT_EQ(consul.get("/v1/kv/services/web/host1:web6:80?raw").body, "[fd00:6::2]:80");
}

}  // namespace
