#pragma once
// A fakes::http::Server on its own io thread, as the fakes run it, for the server's tests.

#include "fakes/common/http/client.hpp"
#include "fakes/common/http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <optional>
#include <thread>

namespace fakes::http::testing {

// Runs a Server on its own io thread, as the fakes do.
class ServerFixture : public ::testing::Test {
 protected:
  void start(Handler handler, ServerOptions options = {}) {
    server_ = std::make_unique<Server>(io_, std::move(handler), std::move(options));
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
  Endpoint endpoint() const { return Endpoint::tcp("127.0.0.1", port_); }

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};


}  // namespace fakes::http::testing
