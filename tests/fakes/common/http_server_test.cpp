#include "fakes/common/http/client.hpp"
#include "fakes/common/http/server.hpp"
#include "tests/fakes/common/http_server_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

namespace http = fakes::http;
using boost::beast::http::verb;

namespace {
using fakes::http::testing::ServerFixture;

TEST_F(ServerFixture, AnswersAndKeepsHeadBodyless) {
  start([](const http::ExchangePtr& ex) {
    ex->respond(http::make_response(http::Status::ok, "hello " + std::string(ex->request().target()), "text/plain"));
  });
  auto res = http::fetch(endpoint(), verb::get, "/x?y=1");
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "hello /x?y=1");
  auto head = http::fetch(endpoint(), verb::head, "/x");
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("content-length"), "8");
}

TEST_F(ServerFixture, StreamsChunksFromLaterCalls) {
  start([&](const http::ExchangePtr& ex) {
    ex->begin_stream(http::make_response(http::Status::ok, "", "application/json"));
    ex->send_chunk("{\"a\":1}\n");
    // Finish from a later turn of the loop, as an event source would. The exchange is owned by
    // the posted call, on the io thread, and nowhere else.
    boost::asio::post(io_, [ex] {
      ex->send_chunk("{\"b\":2}\n");
      ex->end_stream();
    });
  });
  auto res = http::fetch(endpoint(), verb::get, "/events");
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("transfer-encoding"), "chunked");
  EXPECT_EQ(res.body, "{\"a\":1}\n{\"b\":2}\n");
}

TEST_F(ServerFixture, RejectsOversizedBodyWith413AndCustomErrorStyle) {
  http::ServerOptions options;
  options.body_limit = 16;
  options.make_error = [](http::Status s, std::string_view msg) {
    return http::make_response(s, "{\"message\":\"" + std::string(msg) + "\"}", "application/json");
  };
  std::atomic<int> handled{0};
  start([&](const http::ExchangePtr& ex) {
    ++handled;
    ex->respond(http::make_response(http::Status::ok, "", ""));
  }, options);
  auto res = http::fetch(endpoint(), verb::post, "/containers/create", std::string(100, 'x'));
  EXPECT_EQ(res.status, 413u);
  EXPECT_EQ(res.body, "{\"message\":\"request body too large\"}");
  EXPECT_EQ(handled.load(), 0);
}

TEST_F(ServerFixture, DroppedExchangeGets500AndClientCloseIsNoticed) {
  std::promise<void> closed;
  start([&](const http::ExchangePtr& ex) {
    if (ex->request().target() == "/drop") return;  // handler forgets to answer
    ex->begin_stream(http::make_response(http::Status::ok, "", "application/json"));
    auto keep = ex;
    ex->on_close([keep, &closed] { closed.set_value(); });
  });
  EXPECT_EQ(http::fetch(endpoint(), verb::get, "/drop").status, 500u);
  // The client gives up after 200 ms; the server must notice and run the close callback.
  EXPECT_THROW(http::fetch(endpoint(), verb::get, "/stream", {}, {}, std::chrono::milliseconds(200)), http::ClientError);
  EXPECT_EQ(closed.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST_F(ServerFixture, ServesUnixSocketAndCloseConnectionsDropsStreams) {
  auto path = (std::filesystem::temp_directory_path() / ("http-test-" + std::to_string(::getpid()) + ".sock")).string();
  std::atomic<bool> streaming{false};
  start([&](const http::ExchangePtr& ex) {
    if (ex->request().target() == "/stream") {
      streaming = true;
      ex->begin_stream(http::make_response(http::Status::ok, "", "application/json"));
      auto keep = ex;
      ex->on_close([keep] {});
      return;
    }
    ex->respond(http::make_response(http::Status::ok, "OK", "text/plain"));
  });
  on_io([&] { server_->listen_unix(path); });
  EXPECT_EQ(http::fetch(http::Endpoint::unix_path(path), verb::get, "/_ping").body, "OK");
  auto pending = std::async(std::launch::async, [&] {
    return http::fetch(http::Endpoint::unix_path(path), verb::get, "/stream", {}, {}, std::chrono::seconds(20));
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!streaming && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(streaming);
  std::size_t count = 0;
  on_io([&] { count = server_->connection_count(); });
  EXPECT_GE(count, 1u);
  on_io([&] { server_->close_connections(); });
  auto cut_at = std::chrono::steady_clock::now();
  EXPECT_THROW(pending.get(), http::ClientError);  // stream cut mid-body, long before the client's 20 s
  EXPECT_LT(std::chrono::steady_clock::now() - cut_at, std::chrono::seconds(10));
  on_io([&] { server_->stop(); });
  EXPECT_FALSE(std::filesystem::exists(path));
}

// A keep-alive client on a raw socket: the next request goes on the same connection.
class RawClient {
 public:
  RawClient(boost::asio::io_context& io, std::uint16_t port) : socket_(io) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  void send_get(const std::string& target) {
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
    boost::asio::write(socket_, boost::asio::buffer(request));
  }
  /// The next answer's body (Content-Length framing).
  std::string read_body() {
    const std::size_t head_end = boost::asio::read_until(socket_, boost::asio::dynamic_buffer(buffer_), "\r\n\r\n");
    const std::string head = buffer_.substr(0, head_end);
    const auto at = head.find("Content-Length: ");
    if (at == std::string::npos) throw std::runtime_error("no Content-Length in " + head);
    const std::size_t length = std::stoul(head.substr(at + 16));
    buffer_.erase(0, head_end);
    if (buffer_.size() < length)
      boost::asio::read(socket_, boost::asio::dynamic_buffer(buffer_), boost::asio::transfer_exactly(length - buffer_.size()));
    std::string body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return body;
  }

 private:
  boost::asio::ip::tcp::socket socket_;
  std::string buffer_;
};

// Blocking-query fan-out: answers queued inside a SendBatch go out when it ends, from more than
// one thread for a large batch, and every connection goes on serving its next request.
class SendBatchFixture : public ServerFixture {
 protected:
  void start_holding() {
    start([this](const http::ExchangePtr& ex) {
      if (ex->request().target() == "/hold") return held_.push_back(ex);
      ex->respond(http::make_response(http::Status::ok, "next", "text/plain"));
    });
  }
  std::vector<std::unique_ptr<RawClient>> park(std::size_t n) {
    std::vector<std::unique_ptr<RawClient>> clients;
    for (std::size_t i = 0; i < n; ++i) {
      clients.push_back(std::make_unique<RawClient>(client_io_, port_));
      clients.back()->send_get("/hold");
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::size_t parked = 0;
    while (parked < n && std::chrono::steady_clock::now() < deadline) on_io([&] { parked = held_.size(); });
    EXPECT_EQ(parked, n);
    return clients;
  }
  static std::shared_ptr<const std::string> wire(std::string body) {
    return std::make_shared<const std::string>(http::wire_response(http::make_response(http::Status::ok, std::move(body), "text/plain")));
  }

  boost::asio::io_context client_io_;
  std::vector<http::ExchangePtr> held_;  // touched on the io thread only
};

TEST_F(SendBatchFixture, ManyAnswersReachEveryClientAndTheConnectionsStayUsable) {
  start_holding();
  auto clients = park(300);  // above the size at which helper threads send
  const auto answer = wire("released");
  on_io([&] {
    http::SendBatch batch;
    for (auto& ex : held_) EXPECT_TRUE(ex->respond_wire(answer, 200));
    held_.clear();
  });
  for (auto& c : clients) EXPECT_EQ(c->read_body(), "released");
  for (auto& c : clients) c->send_get("/now");
  for (auto& c : clients) EXPECT_EQ(c->read_body(), "next");
}

TEST_F(SendBatchFixture, AnAnswerLargerThanTheSocketBufferIsFinishedByTheConnection) {
  start_holding();
  auto clients = park(3);
  std::string big(8 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + (i / 4096) % 26);
  const auto answer = wire(big);
  on_io([&] {
    http::SendBatch batch;
    for (auto& ex : held_) ex->respond_wire(answer, 200);
    held_.clear();
  });
  for (auto& c : clients) EXPECT_TRUE(c->read_body() == big);
  clients[1]->send_get("/now");
  EXPECT_EQ(clients[1]->read_body(), "next");
}

TEST_F(SendBatchFixture, AConnectionDroppedBeforeTheBatchEndsIsSkipped) {
  start_holding();
  auto clients = park(300);
  const auto answer = wire("released");
  on_io([&] {
    http::SendBatch batch;
    for (auto& ex : held_) ex->respond_wire(answer, 200);
    held_[7]->abort();  // closes that connection while its answer waits in the batch
    held_.clear();
  });
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (i == 7) {
      EXPECT_THROW(clients[i]->read_body(), boost::system::system_error);
    } else {
      EXPECT_EQ(clients[i]->read_body(), "released");
    }
  }
}

}  // namespace
