// Test helper: a DnsServer on 127.0.0.1:0 with its io_context on a background thread,
// stopped and joined on destruction.
#pragma once

#include "fakes/dns/dns_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <memory>
#include <thread>

namespace fakes::dns::testing {

class RunningServer {
 public:
  RunningServer(const ServiceDirectory& directory, DnsConfig config, DnsServerLimits limits = {})
      : server_(std::make_unique<DnsServer>(io_, directory, std::move(config),
                                            boost::asio::ip::make_address("127.0.0.1"), 0, limits)),
        thread_([this] { io_.run(); }) {}

  ~RunningServer() {
    // stop() must run on the io thread; once every socket is closed run() returns.
    boost::asio::post(io_, [this] { server_->stop(); });
    thread_.join();
  }

  [[nodiscard]] std::uint16_t port() const { return server_->port(); }

  /// Stats snapshot taken on the io thread.
  DnsServerStats stats() {
    std::promise<DnsServerStats> p;
    boost::asio::post(io_, [&] { p.set_value(server_->stats()); });
    return p.get_future().get();
  }

 private:
  boost::asio::io_context io_{1};
  std::unique_ptr<DnsServer> server_;
  std::thread thread_;
};

}  // namespace fakes::dns::testing
