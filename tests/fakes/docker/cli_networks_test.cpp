// docker network commands against the fake-docker executable, as the docker CLI 28 sees them:
// user-defined networks, and connect/disconnect of containers that are not running (what
// docker-compose does to every container it creates).
#include "tests/fakes/docker/cli_fixture.hpp"

#include <algorithm>

using namespace fake_docker_cli_test;

namespace {

// docker network create / ls / inspect / connect / disconnect / rm, and run --net on a user network.
TEST_F(FakeDockerCli, UserDefinedNetworks) {
  start_fake();
  auto created = docker("network create --label team=blue backend");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string net_id = lines_of(created.output).at(0);
  EXPECT_EQ(net_id.size(), 64u) << created.output;
  auto ls = docker("network ls --format '{{.Name}} {{.Driver}}'");
  ASSERT_EQ(ls.exit_code, 0) << ls.output;
  auto names = lines_of(ls.output);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"backend bridge", "bridge bridge", "host host", "none null"}));

  ASSERT_EQ(docker("run -d --name api --net backend test").exit_code, 0);
  auto ip = docker("inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}' api");
  EXPECT_EQ(ip.output, "backend=172.18.0.2 \n") << ip.output;

  ASSERT_EQ(docker("run -d --name web test").exit_code, 0);
  auto connect = docker("network connect backend web");
  ASSERT_EQ(connect.exit_code, 0) << connect.output;
  ip = docker("inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}' web");
  EXPECT_EQ(ip.output, "backend=172.18.0.3 bridge=172.17.0.2 \n") << ip.output;
  auto members = docker("network inspect -f '{{range .Containers}}{{.Name}} {{end}}{{.IPAM.Config}} {{.Labels}}' backend");
  ASSERT_EQ(members.exit_code, 0) << members.output;
  EXPECT_NE(members.output.find("api"), std::string::npos) << members.output;
  EXPECT_NE(members.output.find("web"), std::string::npos) << members.output;
  EXPECT_NE(members.output.find("172.18.0.0/16"), std::string::npos) << members.output;
  EXPECT_NE(members.output.find("team:blue"), std::string::npos) << members.output;

  auto busy = docker("network rm backend");
  EXPECT_NE(busy.exit_code, 0);
  EXPECT_NE(busy.output.find("has active endpoints"), std::string::npos) << busy.output;
  ASSERT_EQ(docker("network disconnect backend web").exit_code, 0);
  ASSERT_EQ(docker("rm -f api").exit_code, 0);
  auto rm = docker("network rm backend");
  ASSERT_EQ(rm.exit_code, 0) << rm.output;
  auto gone = docker("network inspect backend");
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(gone.output.find("network backend not found"), std::string::npos) << gone.output;
  auto unknown = docker("run -d --name x2 --net nowhere test");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("network nowhere not found"), std::string::npos) << unknown.output;
}

// A created container leaves the network it was created on and joins it again with an alias,
// as docker-compose does with every container it creates (issue 18: the disconnect answered
// success and changed nothing, and the connect after it then failed with "endpoint with name c1\n// already exists in network n1").
TEST_F(FakeDockerCli, CreatedContainerLeavesAndRejoinsItsNetwork) {
  start_fake();
  ASSERT_EQ(docker("network create n1").exit_code, 0);
  ASSERT_EQ(docker("create --net n1 --name c1 test").exit_code, 0);
  auto networks_of = [&](const std::string& name) {
    return docker("inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}:{{$v.Aliases}}:{{$v.IPAddress}} {{end}}' " + name).output;
  };
  EXPECT_EQ(networks_of("c1"), "n1:[]: \n");

  auto left = docker("network disconnect n1 c1");
  ASSERT_EQ(left.exit_code, 0) << left.output;
  EXPECT_EQ(networks_of("c1"), "\n") << "a created container's disconnect takes the network out of its settings";
  EXPECT_EQ(docker("inspect -f '{{.HostConfig.NetworkMode}}' c1").output, "n1\n") << "the mode stays";
  auto again = docker("network disconnect n1 c1");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("is not connected to the network n1"), std::string::npos) << again.output;

  auto joined = docker("network connect --alias web n1 c1");
  ASSERT_EQ(joined.exit_code, 0) << joined.output;
  EXPECT_EQ(networks_of("c1"), "n1:[web]: \n");
  // Already in its config: the engine keeps the config and answers success while it is stopped.
  EXPECT_EQ(docker("network connect n1 c1").exit_code, 0);
  EXPECT_EQ(networks_of("c1"), "n1:[web]: \n");

  ASSERT_EQ(docker("start c1").exit_code, 0);
  EXPECT_EQ(networks_of("c1"), "n1:[web]:172.18.0.2 \n") << "the rejoined network gives it its address at start";
  auto dns = docker("inspect -f '{{json .NetworkSettings.Networks.n1.DNSNames}} {{.Id}}' c1");
  const auto id = dns.output.substr(dns.output.find(' ') + 1, 12);
  EXPECT_EQ(dns.output.substr(0, dns.output.find(' ')), "[\"c1\",\"web\",\"" + id + "\"]") << dns.output;
  // Running: the endpoint exists, so connecting again is the engine's refusal.
  auto twice = docker("network connect n1 c1");
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.output.find("endpoint with name c1 already exists in network n1"), std::string::npos) << twice.output;

  // Aliases at create (--network-alias) are kept. (On the default bridge the CLI itself refuses
  // them; the engine's own refusal is FakeDockerApi.EndpointAliasesAndNotRunningContainers.)
  ASSERT_EQ(docker("create --net n1 --network-alias api --name c2 test").exit_code, 0);
  EXPECT_EQ(networks_of("c2"), "n1:[api]: \n");
}

// A running container leaves the network of its NetworkMode: it is gone from its networks (not
// kept with an empty address), and connecting gives it a new address at once.
TEST_F(FakeDockerCli, RunningContainerLeavesAndRejoinsItsNetwork) {
  start_fake();
  ASSERT_EQ(docker("network create n1").exit_code, 0);
  ASSERT_EQ(docker("run -d --net n1 --name r1 test").exit_code, 0);
  auto networks_of = [&](const std::string& name) {
    return docker("inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}:{{$v.IPAddress}} {{end}}' " + name).output;
  };
  EXPECT_EQ(networks_of("r1"), "n1:172.18.0.2 \n");
  ASSERT_EQ(docker("network disconnect n1 r1").exit_code, 0);
  EXPECT_EQ(networks_of("r1"), "\n");
  EXPECT_EQ(docker("network inspect -f '{{len .Containers}}' n1").output, "0\n");
  ASSERT_EQ(docker("network connect n1 r1").exit_code, 0);
  EXPECT_EQ(networks_of("r1"), "n1:172.18.0.2 \n");
}

}  // namespace
