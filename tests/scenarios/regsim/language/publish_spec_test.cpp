// docker run -p syntax.
#include "scenarios/regsim/language/publish_spec.hpp"

#include <gtest/gtest.h>

namespace regsim {
namespace {

TEST(PublishSpec, HostAndContainerPort) {
  const auto p = parse_publish("7679:80");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host_ip, "");
  EXPECT_EQ(p->host_port, "7679");
  EXPECT_EQ(p->port_key(), "80/tcp");
}

TEST(PublishSpec, IpProtocolAndDockerChosenPorts) {
  const auto udp = parse_publish("127.0.0.1:5353:53/udp");
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->host_ip, "127.0.0.1");
  EXPECT_EQ(udp->host_port, "5353");
  EXPECT_EQ(udp->port_key(), "53/udp");
  const auto any = parse_publish("80");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->host_port, "");
  const auto ip_only = parse_publish("127.0.0.1::80");
  ASSERT_TRUE(ip_only);
  EXPECT_EQ(ip_only->host_port, "");
}

TEST(PublishSpec, RejectsMalformed) {
  for (const char* bad : {"", "x", ":80", "7679:", "0:80", "7679:65536", "7679:80/sctp", "1.2.3:7679:80",
                          "a:b:c:d", "7679:80/", ":7679:80"})
    EXPECT_FALSE(parse_publish(bad).has_value()) << bad;
}

}  // namespace
}  // namespace regsim
