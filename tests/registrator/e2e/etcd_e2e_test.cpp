// End to end: the registrator binary, fake-docker and a real etcd. A started container appears
// under the etcd prefix; with -ttl 2 -ttl-refresh 1 it outlives its TTL while registrator runs
// and disappears by lease expiry once registrator is killed.
#include <gtest/gtest.h>

#include "tests/support/registrator/docker_request.hpp"
#include "tests/support/process/etcd_process.hpp"
#include "tests/support/process/child.hpp"
#include "registrator/backends/etcd_client.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using regtest::bin;

TEST(RegistratorEtcdEndToEnd, ContainerIsRegisteredRefreshedAndExpiresWhenRegistratorDies) {
  regtest::TempDir dir("reg-etcd-e2e");
  regtest::EtcdCluster etcd(1);
  const std::string socket = (dir.path() / "docker.sock").string();
  const fs::path docker_ready = dir.path() / "docker.ready";
  test_support::ChildProcess fake_docker({bin("fake-docker"), "--socket", socket, "--ready-file", docker_ready.string()},
                                         test_support::Output::log_file(dir.path() / "docker.log"));
  ASSERT_TRUE(fake_docker.wait_for_file(docker_ready, 20s));

  const std::string create = R"({"Image":"test","Env":["SERVICE_NAME=web"],"ExposedPorts":{"80/tcp":{}},)"
                             R"("HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"7679"}]}}})";
  ASSERT_EQ(regtest::docker_request(socket, "POST", "/v1.47/containers/create?name=web5", create).status, 201u);
  ASSERT_EQ(regtest::docker_request(socket, "POST", "/v1.47/containers/web5/start").status, 204u);

  auto registrator = std::make_unique<test_support::ChildProcess>(
      test_support::Command{bin("registrator"), "-hostname", "host1", "-ip", "127.0.0.1", "-ttl", "2",
                            "-ttl-refresh", "1", "-tags", "{{strSlice .ID 0 12}}",
                            "etcd://" + etcd.address() + "/services"}
          .env("DOCKER_HOST", "unix://" + socket),
      test_support::Output::log_file(dir.path() / "registrator.log"));

  registrator::EtcdClient reader(etcd.endpoint());
  const std::string key = "/services/web/host1:web5:80";
  ASSERT_TRUE(regtest::eventually([&] { return reader.get(key).has_value(); }, 15s))
      << regtest::read_text(dir.path() / "registrator.log");
  EXPECT_EQ(reader.get(key).value_or(""), "127.0.0.1:7679");

  // Present throughout 3.5 s (well past the 2 s TTL): refresh keeps the lease alive.
  const auto until = std::chrono::steady_clock::now() + 3500ms;
  bool always_there = true;
  EXPECT_FALSE(regtest::eventually(
      [&] {
        always_there = always_there && reader.get(key).has_value();
        return !always_there;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now())))
      << "key expired while registrator was refreshing\n" << regtest::read_text(dir.path() / "registrator.log");

  registrator->kill();  // no deregistration: only the lease can remove the key now
  EXPECT_TRUE(regtest::eventually([&] { return !reader.get(key).has_value(); }, 8s)) << "key never expired";
}

}  // namespace
