// free_port: the ports a restarted fake-consul returns to are outside the kernel's ephemeral
// range (where any outgoing connection or DNS query could take them during the downtime), and
// free for UDP as well when the DNS listener needs both.
#include "scenarios/regsim/processes/free_port.hpp"
#include "scenarios/regsim/processes/child_process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <set>

namespace {

unsigned ephemeral_low() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned low = 32768;
  in >> low;
  return low;
}

bool binds(std::uint16_t port, int type) {
  const int fd = ::socket(AF_INET, type, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

TEST(FreePort, IsBelowTheEphemeralRangeAndBindableForTcpAndUdp) {
  const unsigned low = ephemeral_low();
  std::set<std::uint16_t> seen;
  for (int i = 0; i < 50; ++i) {
    const auto port = regsim::free_port("127.0.0.1", "test", regsim::PortUse::tcp_and_udp);
    EXPECT_GE(port, 10000u);
    EXPECT_LT(port, low);
    EXPECT_TRUE(binds(port, SOCK_STREAM)) << port;
    EXPECT_TRUE(binds(port, SOCK_DGRAM)) << port;
    seen.insert(port);
  }
  // Picked at random, so two runs side by side rarely meet.
  EXPECT_GT(seen.size(), 40u);
}

TEST(FreePort, ANonLocalAddressIsAnErrorNamingWho) {
  try {
    regsim::free_port("not-an-ip", "fake-consul (dc1)");
    FAIL() << "no error";
  } catch (const regsim::LaunchError& e) {
    EXPECT_STREQ(e.what(), "fake-consul (dc1): not an IPv4 address: not-an-ip");
  }
}

}  // namespace
