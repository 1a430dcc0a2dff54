// SIGTERM ends registrator cleanly (exit 0). With -deregister-on-stop the host's services leave
// Consul before it exits; without it they stay, as upstream (whose services outlive it).
#include <gtest/gtest.h>

#include <signal.h>

#include "tests/support/registrator/docker_request.hpp"
#include "tests/support/process/fake_consul_process.hpp"
#include "tests/support/process/child.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using regtest::bin;

class RegistratorShutdown : public ::testing::Test {
 protected:
  void SetUp() override {
    socket = (dir.path() / "docker.sock").string();
    const fs::path ready = dir.path() / "docker.ready";
    docker = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("fake-docker"), "--socket", socket, "--ready-file", ready.string()},
        test_support::Output::log_file(dir.path() / "docker.log"));
    ASSERT_TRUE(docker->wait_for_file(ready, 20s));
    for (const std::string name : {"web1", "web2"}) {
      const std::string create = R"({"Image":"web","ExposedPorts":{"80/tcp":{}}})";
      ASSERT_EQ(docker_call("POST", "/v1.47/containers/create?name=" + name, create).status, 201u);
      ASSERT_EQ(docker_call("POST", "/v1.47/containers/" + name + "/start").status, 204u);
    }
  }

  registrator::http::Response docker_call(const std::string& method, const std::string& target,
                                          const std::string& body = {}) {
    return regtest::docker_request(socket, method, target, body);
  }

  std::size_t web_instances() {
    return nlohmann::json::parse(consul.get("/v1/catalog/service/web").body).size();
  }

  // Starts registrator, waits for both services, sends SIGTERM; returns the exit code.
  int run_and_terminate(std::vector<std::string> extra_flags) {
    std::vector<std::string> argv{bin("registrator"), "-hostname", "host1", "-internal"};
    argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
    argv.push_back("consul://" + consul.http_address());
    test_support::ChildProcess registrator(test_support::Command(argv).env("DOCKER_HOST", "unix://" + socket),
                                           test_support::Output::log_file(log_path()));
    EXPECT_TRUE(regtest::eventually([&] { return web_instances() == 2; }, 15s)) << regtest::read_text(log_path());
    registrator.signal(SIGTERM);
    return registrator.wait_exit(10s);
  }

  std::string log_path() const { return (dir.path() / "registrator.log").string(); }

  regtest::TempDir dir{"reg-shutdown"};
  regtest::FakeConsulProcess consul;
  std::string socket;
  std::unique_ptr<test_support::ChildProcess> docker;
};

TEST_F(RegistratorShutdown, SigtermWithDeregisterOnStopRemovesThisHostsServices) {
  EXPECT_EQ(run_and_terminate({"-deregister-on-stop"}), 0) << regtest::read_text(log_path());
  EXPECT_EQ(web_instances(), 0u) << regtest::read_text(log_path());
  const std::string log = regtest::read_text(log_path());
  EXPECT_NE(log.find("Received SIGTERM, shutting down"), std::string::npos) << log;
  EXPECT_NE(log.find("Deregistering 2 container(s) before exit"), std::string::npos) << log;
}

TEST_F(RegistratorShutdown, SigtermWithoutTheFlagLeavesServicesRegisteredAsUpstream) {
  EXPECT_EQ(run_and_terminate({}), 0) << regtest::read_text(log_path());
  EXPECT_EQ(web_instances(), 2u);
}

}  // namespace
