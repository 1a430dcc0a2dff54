// How HTTP, TCP and gRPC checks split their address (host_port.hpp, GrpcTarget::parse).
#include <gtest/gtest.h>

#include "fakes/consul/checks/grpc_probe.hpp"
#include "fakes/consul/checks/host_port.hpp"

namespace fakes::consul {
namespace {

using HostPort = std::pair<std::string, std::string>;

TEST(SplitHostPort, Ipv4AndBracketedIpv6) {
  EXPECT_EQ(split_host_port("10.0.0.5:8080", ""), (HostPort{"10.0.0.5", "8080"}));
  EXPECT_EQ(split_host_port("[::1]:443", ""), (HostPort{"::1", "443"}));
  EXPECT_EQ(split_host_port("[fe80::1%eth0]:80", "80"), (HostPort{"fe80::1%eth0", "80"}));
}

TEST(SplitHostPort, AMissingPortTakesTheDefaultOrFails) {
  EXPECT_EQ(split_host_port("db.internal", "443"), (HostPort{"db.internal", "443"}));
  EXPECT_EQ(split_host_port("db.internal", ""), std::nullopt);
  EXPECT_EQ(split_host_port("[::1]", "80"), std::nullopt);  // brackets need ":port"
  EXPECT_EQ(split_host_port("[::1]x80", "80"), std::nullopt);
  EXPECT_EQ(split_host_port("[::1", "80"), std::nullopt);
  EXPECT_EQ(split_host_port(":80", ""), std::nullopt);
  EXPECT_EQ(split_host_port("10.0.0.5:", "80"), std::nullopt);
}

TEST(GrpcTargetParse, ServiceAfterTheFirstSlash) {
  const auto t = GrpcTarget::parse("[::1]:50051/pkg.Svc/extra");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, "50051");
  EXPECT_EQ(t->service, "pkg.Svc/extra");
  EXPECT_FALSE(GrpcTarget::parse("127.0.0.1/web"));  // no port, and gRPC has no default
}

}  // namespace
}  // namespace fakes::consul
