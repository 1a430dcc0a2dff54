// Clients that misbehave at the connection level must not hold fake-consul: a slowloris
// client (one header byte at a time) is cut at the request timeout while everyone else is
// served at once.
#include "tests/fakes/consul/consul_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>

namespace consul_test {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;

class BadClientsTest : public ConsulFixture {
 protected:
  void SetUp() override {
    fakes::consul::FakeConsulOptions options;
    options.request_timeout_seconds = 2;
    start(options);
  }
};

TEST_F(BadClientsTest, SlowlorisIsCutAtTheRequestTimeoutAndOthersAreServedMeanwhile) {
  net::io_context client_io;
  net::ip::tcp::socket slow(client_io);
  slow.connect({net::ip::make_address("127.0.0.1"), fake_->http_port()});
  const std::string request = "GET /v1/status/leader HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(200, 'a') + "\r\n\r\n";
  std::atomic<bool> closed{false};
  const auto started = std::chrono::steady_clock::now();
  // The slow client: one byte every 100 ms (bounded: the request is 250 bytes, 25 s), until
  // the server hangs up.
  std::thread slow_client([&] {
    boost::system::error_code ec;
    for (char c : request) {
      net::write(slow, net::buffer(&c, 1), ec);
      if (ec) break;
      std::this_thread::sleep_for(100ms);  // the client's pace, not a wait for the server
      if (closed) break;
    }
  });
  std::thread reader([&] {
    char byte;
    boost::system::error_code ec;
    net::read(slow, net::buffer(&byte, 1), ec);  // returns when the server closes
    closed = true;
  });
  // Meanwhile other clients get their answers promptly.
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto res = get("/v1/status/leader", {}, 2s);
    EXPECT_EQ(res.status, 200u);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s) << "request " << i << " waited behind the slow client";
  }
  reader.join();
  const auto cut_after = std::chrono::steady_clock::now() - started;
  slow_client.join();
  EXPECT_TRUE(closed);
  EXPECT_GE(cut_after, 1500ms) << "not before the timeout";
  EXPECT_LT(cut_after, 10s) << "cut at the 2 s request timeout, long before the request was complete";
}

}  // namespace
}  // namespace consul_test
