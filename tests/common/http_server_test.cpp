#include "common/http_client.hpp"
#include "common/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

namespace http = fakes::http;
using boost::beast::http::verb;

namespace {

// Runs a Server on its own io thread, as the fakes do.
class ServerFixture : public ::testing::Test {
 protected:
  void start(http::Handler handler, http::ServerOptions options = {}) {
    server_ = std::make_unique<http::Server>(io_, std::move(handler), std::move(options));
    port_ = server_->listen_tcp("127.0.0.1", 0);
    work_.emplace(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  template <class F>
  void on_io(F f) {
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
  void TearDown() override {
    if (server_) on_io([this] { server_->stop(); });
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  http::Endpoint endpoint() const { return http::Endpoint::tcp("127.0.0.1", port_); }

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

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
  http::ExchangePtr held;
  start([&](const http::ExchangePtr& ex) {
    held = ex;
    ex->begin_stream(http::make_response(http::Status::ok, "", "application/json"));
    ex->send_chunk("{\"a\":1}\n");
    // Finish from a later turn of the loop, as an event source would.
    boost::asio::post(io_, [&] {
      held->send_chunk("{\"b\":2}\n");
      held->end_stream();
      held.reset();
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

}  // namespace
