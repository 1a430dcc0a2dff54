// Bad input: 10,000 idle connections (connected, never sending a byte) held open against the
// fake-consul binary. Other clients must still be served within a deadline, the fake's memory
// must stay bounded, and once the idle ones go away it keeps serving. Bounded in count (10,000)
// and time (each phase has a deadline); loopback only.
#include "tests/fakes/consul/binary_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <iostream>

namespace {

using namespace consul_binary;

constexpr int kIdle = 10000;

/// Resident set size of a process in KiB (VmRSS), 0 when unknown.
long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  return 0;
}

/// Open connections that are closed when this goes away (also when an assertion fails).
struct IdleConnections {
  std::vector<int> fds;
  ~IdleConnections() {
    for (int fd : fds) ::close(fd);
  }
  bool open(std::uint16_t port, int count, std::chrono::steady_clock::time_point deadline) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (static_cast<int>(fds.size()) < count && std::chrono::steady_clock::now() < deadline) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) return false;
      if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return false;
      }
      fds.push_back(fd);
    }
    return static_cast<int>(fds.size()) == count;
  }
};

class ConsulIdleConnectionsTest : public ConsulBinaryTest {
 protected:
  void SetUp() override {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_max < static_cast<rlim_t>(kIdle) + 256) GTEST_SKIP() << "hard open-file limit " << limit.rlim_max << " is below " << kIdle;
    limit.rlim_cur = limit.rlim_max;  // fake-consul inherits it: it holds the other ends
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
    ConsulBinaryTest::SetUp();
  }
};

TEST_F(ConsulIdleConnectionsTest, TenThousandIdleConnectionsLeaveOthersServedAndMemoryBounded) {
  json ready = launch();
  ASSERT_TRUE(ready.contains("http"));
  const auto http = endpoint_of(ready["http"]);
  ASSERT_EQ(fakes::http::fetch(http, verb::put, "/v1/agent/service/register", R"({"ID":"w","Name":"web","Port":80})").status, 200u);
  const long rss_before = rss_kib(child_->pid());

  IdleConnections idle;
  ASSERT_TRUE(idle.open(http.port, kIdle, std::chrono::steady_clock::now() + 60s))
      << "opened " << idle.fds.size() << " of " << kIdle << ": " << std::strerror(errno);

  // Everyone else is still served, each within a deadline, reads and writes alike.
  for (int i = 0; i < 20; ++i) {
    auto res = fakes::http::fetch(http, verb::get, "/v1/catalog/service/web", {}, {}, 5s);
    ASSERT_EQ(res.status, 200u);
    ASSERT_EQ(json::parse(res.body).size(), 1u);
  }
  ASSERT_EQ(fakes::http::fetch(http, verb::put, "/v1/kv/still-here", "yes", {}, 5s).body, "true");
  const auto stats = json::parse(fakes::http::fetch(http, verb::get, "/_fake/state", {}, {}, 5s).body);
  EXPECT_EQ(stats["KVEntries"], 1);

  // Memory: an idle connection costs a socket and a small session (about 3 KiB measured), not
  // a request buffer each; 64 MiB for 10,000 leaves room, 200 KiB each would not fit.
  const long rss_with_idle = rss_kib(child_->pid());
  std::cout << "fake-consul RSS " << rss_before << " KiB, with " << kIdle << " idle connections " << rss_with_idle << " KiB\n";
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer's shadow memory alone grows fake-consul (built with the same flags) by
  // ~150 MB for 10,000 connections: the bound is checked in the other builds.
  (void)rss_with_idle;
#else
  EXPECT_LT(rss_with_idle - rss_before, 64 * 1024) << "RSS grew from " << rss_before << " KiB to " << rss_with_idle << " KiB";
#endif

  // They go away; the fake keeps serving.
  for (int fd : idle.fds) ::close(fd);
  idle.fds.clear();
  EXPECT_EQ(fakes::http::fetch(http, verb::get, "/v1/kv/still-here?raw", {}, {}, 5s).body, "yes");
  child_->signal(SIGTERM);
  EXPECT_EQ(child_->wait_exit(10s), 0);
}

}  // namespace
