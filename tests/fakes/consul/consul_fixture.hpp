#pragma once
// Runs a FakeConsul on its own io thread on 127.0.0.1:0, as fake-consul does, and talks to it
// with the blocking client from fakes/common.

#include "fakes/consul/fake_consul.hpp"

#include "fakes/common/http/client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <memory>
#include <optional>
#include <thread>

namespace consul_test {

using boost::beast::http::verb;
using fakes::http::ClientResponse;
using nlohmann::json;

class ConsulFixture : public ::testing::Test {
 protected:
  void start(fakes::consul::FakeConsulOptions options = {}) {
    fake_ = std::make_unique<fakes::consul::FakeConsul>(io_, std::move(options));
    work_.emplace(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (fake_ && thread_.joinable()) {
      std::promise<void> done;
      boost::asio::post(io_, [&] {
        fake_->stop();
        done.set_value();
      });
      done.get_future().wait();
    }
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    fake_.reset();
  }
  fakes::http::Endpoint endpoint() const { return fakes::http::Endpoint::tcp("127.0.0.1", fake_->http_port()); }
  ClientResponse get(const std::string& target, const fakes::http::HeaderList& headers = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return fakes::http::fetch(endpoint(), verb::get, target, {}, headers, timeout);
  }
  ClientResponse put(const std::string& target, const std::string& body = {}, const fakes::http::HeaderList& headers = {}) {
    return fakes::http::fetch(endpoint(), verb::put, target, body, headers);
  }
  ClientResponse del(const std::string& target) { return fakes::http::fetch(endpoint(), verb::delete_, target); }
  json get_json(const std::string& target) {
    auto res = get(target);
    EXPECT_EQ(res.status, 200u) << target << ": " << res.body;
    return json::parse(res.body);
  }

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<fakes::consul::FakeConsul> fake_;
  std::thread thread_;
};

}  // namespace consul_test
