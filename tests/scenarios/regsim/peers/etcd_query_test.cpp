// Reading etcd's keys for "keys" checks: the prefix range and the error a user sees when etcd
// is away (the scenario tests read a real etcd).
#include "scenarios/regsim/peers/etcd_query.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace regsim {
namespace {

TEST(EtcdQuery, PrefixRangeEndIsTheNextKeyAfterThePrefix) {
  EXPECT_EQ(prefix_range_end("/services/"), "/services0");
  EXPECT_EQ(prefix_range_end("/skydns/local/skydns/ns"), "/skydns/local/skydns/nt");
  EXPECT_EQ(prefix_range_end(std::string("a\xff", 2)), "b");
  EXPECT_EQ(prefix_range_end(""), std::string(1, '\0'));
}

TEST(EtcdQuery, AnEtcdThatIsNotThereIsNamed) {
  // A port that nothing listens on: bound, then closed.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  try {
    fetch_etcd_keys(fakes::http::Endpoint::tcp("127.0.0.1", ntohs(addr.sin_port)), "/services");
    FAIL() << "no error";
  } catch (const EtcdError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("etcd unreachable"));
  }
}

}  // namespace
}  // namespace regsim
