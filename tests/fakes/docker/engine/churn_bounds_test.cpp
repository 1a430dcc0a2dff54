// What the fake engine keeps under churn: a long run that creates and removes the same few
// containers and networks over and over must hand their addresses, host ports and subnets
// back, and keep its event history at --event-history, or it fails (or grows) after enough
// turns where a real engine does not.
#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/engine/engine.hpp"

#include <gtest/gtest.h>

namespace fd = fakes::docker;

namespace {

fd::Engine make_engine(std::size_t history = 256) {
  std::int64_t now = 1'700'000'000'000'000'000;
  return fd::Engine({7, fd::ImageCatalog::from_json(R"({"test": {"ExposedPorts": {"80/tcp": {}}}})"),
                     [now]() mutable { return now += 1000; }, history});
}

TEST(FakeDockerChurnBounds, RemovedNetworksGiveTheirSubnetBack) {
  fd::Engine engine = make_engine();
  // More turns than there are pools (172.18 to 172.31): each one must get a pool, in turn.
  for (int i = 0; i < 100; ++i) {
    const fd::Network& n = engine.create_network("net" + std::to_string(i), "bridge", {});
    ASSERT_EQ(n.ipam->subnet(), "172." + std::to_string(18 + i % 14) + ".0.0/16") << "turn " << i;
    engine.remove_network(n.id);
  }
}

// As dockerd 20.10 (SideBySide.UserDefinedNetworksAgreeFieldByField): the search for a free
// pool starts after the last one handed out. After 172.31 dockerd goes on with 192.168.N.0/20
// pools, which the fake does not have: it wraps around to the first free 172 pool instead.
TEST(FakeDockerChurnBounds, PoolsAreHandedOutInTurnAndReusedAfterWrapping) {
  fd::Engine engine = make_engine();
  const std::string a = engine.create_network("net-a", "bridge", {}).id;
  EXPECT_EQ(engine.create_network("net-b", "bridge", {}).ipam->subnet(), "172.19.0.0/16");
  engine.remove_network(a);
  EXPECT_EQ(engine.create_network("net-c", "bridge", {}).ipam->subnet(), "172.20.0.0/16");
  for (int i = 21; i <= 31; ++i)
    EXPECT_EQ(engine.create_network("more" + std::to_string(i), "bridge", {}).ipam->subnet(),
              "172." + std::to_string(i) + ".0.0/16");
  EXPECT_EQ(engine.create_network("net-d", "bridge", {}).ipam->subnet(), "172.18.0.0/16");  // wrapped
  try {
    engine.create_network("one-too-many", "bridge", {});
    FAIL() << "a 15th user network got a pool";
  } catch (const fd::DockerError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("could not find an available, non-overlapping IPv4 address pool"),
              std::string::npos);
  }
}

TEST(FakeDockerChurnBounds, ContainerChurnHandsBackAddressesAndPortsAndKeepsHistoryBounded) {
  fd::Engine engine = make_engine(64);
  // More turns than the ephemeral port range (28,232 ports) holds.
  for (int i = 0; i < 30'000; ++i) {
    fd::CreateSpec spec;
    spec.name = "churn" + std::to_string(i % 4);
    spec.image = "test";
    spec.host_config.network_mode = "default";
    spec.host_config.publish_all_ports = true;
    const std::string id = engine.create(spec).id;
    ASSERT_NO_THROW(engine.start(id)) << "turn " << i;
    const fd::Container& c = engine.get(id);
    ASSERT_EQ(c.endpoint.ip, "172.17.0.2") << "turn " << i;  // lowest free: the last one's
    ASSERT_EQ(c.published.size(), 1u);
    if (i % 2) {
      engine.remove(id, true);
    } else {
      ASSERT_TRUE(engine.stop_begin(id));
      engine.stop_finish(id);
      engine.remove(id, false);
    }
  }
  EXPECT_EQ(engine.container_count(), 0u);
  EXPECT_EQ(engine.events().history().size(), 64u);
}

}  // namespace
