// The ownership rules at the top of http_server.hpp, each forced deterministically: the io
// thread is held inside a posted call while the test thread makes the other side happen (the
// client resets the connection, the last owner lets go), so no interleaving is left to timing.
#include "tests/fakes/common/http_server_fixture.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

namespace http = fakes::http;

namespace {
using fakes::http::testing::ServerFixture;

// A client on a plain socket, so the test can hang up with a reset and look for bytes without
// waiting for them.
class StreamClient {
 public:
  explicit StreamClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("cannot connect to the test server");
    const std::string request = "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
      throw std::runtime_error("cannot send the request");
  }
  ~StreamClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  /// Reads until `text` has arrived (or 10 s pass); returns everything read so far.
  std::string read_until(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (received_.find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return received_;
  }
  /// True when bytes are waiting right now (the io thread is held, so nothing is on its way).
  bool has_unread_bytes() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  /// Ends the client's half of the connection (as the docker CLI does after stdin for exec
  /// without -i) and goes on reading.
  void shutdown_sending() { ::shutdown(fd_, SHUT_WR); }
  /// Hangs up with a reset: on loopback the server's socket is reset before this returns, so its
  /// next send fails.
  void reset() {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  std::string received_;
};

// The handler starts a stream and parks the exchange in `streams`, touched on the io thread only.
class ExchangeLifetime : public ServerFixture {
 protected:
  void start_streaming() {
    start([this](const http::ExchangePtr& ex) {
      ex->begin_stream(http::make_response(http::Status::ok, "", "application/json"));
      ex->send_chunk("first\n");
      streams_[next_++] = ex;
    });
  }
  std::size_t stream_count() {
    std::size_t n = 0;
    on_io([&] { n = streams_.size(); });
    return n;
  }
  // Runs `f` on the io thread once `before` has run on this thread; the io thread waits in
  // between, so nothing of the server's (a probe noticing the client leave, a close callback)
  // can run in the gap.
  template <class Before, class F>
  void on_io_after(Before before, F f) {
    std::promise<void> go;
    std::promise<void> done;
    std::promise<void> holding;
    boost::asio::post(io_, [&] {
      holding.set_value();
      go.get_future().wait();
      f();
      done.set_value();
    });
    holding.get_future().wait();
    before();
    go.set_value();
    done.get_future().wait();
  }

  std::map<int, http::ExchangePtr> streams_;
  int next_ = 0;
};

TEST_F(ExchangeLifetime, CloseCallbacksNeverRunInsideTheWriteThatFoundTheClientGone) {
  start_streaming();
  StreamClient client(port_);
  ASSERT_NE(client.read_until("first\n").find("first\n"), std::string::npos);
  bool in_send = false;
  bool ran_inside_send = false;
  std::promise<void> ran;
  on_io([&] {
    streams_.at(0)->on_close([&] {
      ran_inside_send = in_send;
      ran.set_value();
    });
  });
  on_io_after([&] { client.reset(); },
              [&] {
                in_send = true;
                streams_.at(0)->send_chunk(std::string(64 * 1024, 'x'));  // the send meets the reset
                in_send = false;
                EXPECT_FALSE(streams_.at(0)->is_open());
              });
  ASSERT_EQ(ran.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_FALSE(ran_inside_send);
}

TEST_F(ExchangeLifetime, ACallbackMayEraseFromTheCollectionItsOwnerIsWritingTo) {
  start_streaming();
  StreamClient a(port_);
  StreamClient b(port_);
  a.read_until("first\n");
  b.read_until("first\n");
  ASSERT_EQ(stream_count(), 2u);
  bool visiting = false;
  int erased_while_visiting = 0;
  on_io([&] {
    for (auto& [id, ex] : streams_)
      ex->on_close([&, id = id] {
        if (visiting) ++erased_while_visiting;
        streams_.erase(id);
      });
  });
  // Both clients gone; the owner writes to every stream it holds, as an event broadcast does.
  // Were a callback run inside send_chunk, it would erase the element being visited.
  on_io_after(
      [&] {
        a.reset();
        b.reset();
      },
      [&] {
        visiting = true;
        for (auto& [id, ex] : streams_) ex->send_chunk(std::string(64 * 1024, 'x'));
        visiting = false;
      });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (stream_count() != 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(stream_count(), 0u);
  EXPECT_EQ(erased_while_visiting, 0);
}

TEST_F(ExchangeLifetime, TheLastOwnerLettingGoOnAnotherThreadDoesNotPullTheExchangeFromUnderTheIoThread) {
  http::ExchangePtr held;  // owned by this thread now, the handler's copy gone
  start([&](const http::ExchangePtr& ex) {
    ex->begin_stream(http::make_response(http::Status::ok, "", "application/json"));
    ex->send_chunk("first\n");
    held = ex;
  });
  StreamClient client(port_);
  client.read_until("first\n");
  http::Exchange* in_use = nullptr;
  on_io([&] { in_use = held.get(); });
  bool ended_while_in_use = true;
  on_io_after(
      [&] {
        held.reset();  // the last owner lets go while the io thread is about to use the exchange
        ended_while_in_use = client.has_unread_bytes();
      },
      [&] {
        in_use->send_chunk("second\n");  // still alive: destroyed on this thread, after this call
        in_use->end_stream();
      });
  EXPECT_FALSE(ended_while_in_use) << "the exchange was destroyed on the letting-go thread";
  const std::string got = client.read_until("0\r\n\r\n");
  EXPECT_NE(got.find("second\n"), std::string::npos) << got;
  EXPECT_NE(got.find("0\r\n\r\n"), std::string::npos) << got;
}

TEST_F(ExchangeLifetime, CallsAfterTheClientHungUpAreNoOpsFromAnyLaterTurn) {
  start_streaming();
  StreamClient client(port_);
  client.read_until("first\n");
  std::promise<void> closed;
  on_io([&] { streams_.at(0)->on_close([&] { closed.set_value(); }); });
  client.reset();
  ASSERT_EQ(closed.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // The connection is gone and its callbacks have run; the owner still finishes its stream.
  on_io([&] {
    auto& ex = streams_.at(0);
    EXPECT_FALSE(ex->is_open());
    ex->send_chunk("late\n");
    ex->end_stream();
    ex->respond(http::make_response(http::Status::ok, "late", "text/plain"));
    ex->abort();
    streams_.clear();
  });
  std::size_t open = 1;
  on_io([&] { open = server_->connection_count(); });
  EXPECT_EQ(open, 0u);
}

TEST_F(ExchangeLifetime, AHijackedStreamOutlivesTheEndOfTheClientsHalfAndClosesAtItsOwnEnd) {
  // The request timer holds a session until it fires (here after 1 s); after that only what
  // the session does itself can keep it.
  http::ServerOptions options;
  options.idle_timeout_seconds = 1;
  start(
      [this](const http::ExchangePtr& ex) {
        ex->begin_raw("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
        ex->send_chunk("first\n");
        streams_[next_++] = ex;
      },
      options);
  StreamClient client(port_);
  ASSERT_NE(client.read_until("first\n").find("first\n"), std::string::npos);
  bool closed_early = false;
  on_io([&] { streams_.at(0)->on_close([&] { closed_early = true; }); });
  client.shutdown_sending();
  // Nothing may end the stream now. The server reads the client's end within microseconds and
  // its request timer lets go after 1 s; an unowned session would be gone by the end of this window.
  const auto window_end = std::chrono::steady_clock::now() + std::chrono::milliseconds(2500);
  std::size_t connections = 1;
  while (std::chrono::steady_clock::now() < window_end && connections == 1) {
    on_io([&] { connections = server_->connection_count(); });
    std::this_thread::yield();
  }
  EXPECT_EQ(connections, 1u) << "the session went away with the client's half";
  on_io([&] {
    EXPECT_TRUE(streams_.at(0)->is_open());
    streams_.at(0)->send_chunk("second\n");
    streams_.at(0)->end_stream();
  });
  const std::string got = client.read_until("second\n");
  EXPECT_NE(got.find("second\n"), std::string::npos) << got;
  EXPECT_EQ(got.find("0\r\n\r\n"), std::string::npos) << "a raw stream has no chunk framing";
  // end_stream() closes it: the session lets go of itself.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (connections != 0 && std::chrono::steady_clock::now() < deadline) {
    on_io([&] { connections = server_->connection_count(); });
    std::this_thread::yield();
  }
  EXPECT_EQ(connections, 0u);
  EXPECT_FALSE(closed_early);
  on_io([&] { streams_.clear(); });
}

TEST_F(ExchangeLifetime, StoppingTheServerRunsCloseCallbacksAfterStopReturns) {
  start_streaming();
  StreamClient client(port_);
  client.read_until("first\n");
  bool in_stop = false;
  bool ran_inside_stop = false;
  std::promise<void> ran;
  on_io([&] {
    streams_.at(0)->on_close([&] {
      ran_inside_stop = in_stop;
      ran.set_value();
    });
    in_stop = true;
    server_->stop();
    in_stop = false;
  });
  ASSERT_EQ(ran.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_FALSE(ran_inside_stop);
  on_io([&] { streams_.clear(); });
}

}  // namespace
