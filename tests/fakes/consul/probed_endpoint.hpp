#pragma once
// A loopback HTTP or HTTPS server for fake-consul's checks to probe: the test sets the status it
// answers with, and reads how often and with what it was probed.
#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "fakes/common/http/server.hpp"

namespace consultest {

class ProbedEndpoint {
 public:
  /// Plain HTTP, or HTTPS presenting `tls`'s certificate; every answer's body is `body`.
  explicit ProbedEndpoint(std::string body, std::optional<fakes::http::TlsListenerOptions> tls = std::nullopt)
      : body_(std::move(body)),
        server_(io_, [this](const fakes::http::ExchangePtr& ex) {
          ++hits_;
          {
            std::lock_guard lock(mutex_);
            const auto& req = ex->request();
            std::string probes;
            for (auto [it, end] = req.equal_range("X-Probe"); it != end; ++it)
              probes += (probes.empty() ? "" : ",") + std::string(it->value());
            last_ = std::string(req.method_string()) + " " + std::string(req[fakes::http::bhttp::field::user_agent]) +
                    " | " + probes + " | " + req.body();
          }
          ex->respond(fakes::http::make_response(static_cast<fakes::http::Status>(status_.load()), body_, "text/plain"));
        }),
        scheme_(tls ? "https" : "http") {
    port_ = tls ? server_.listen_tls("127.0.0.1", 0, *tls) : server_.listen_tcp("127.0.0.1", 0);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ProbedEndpoint() {
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      server_.stop();
      done.set_value();
    });
    done.get_future().wait();
    io_.stop();
    thread_.join();
  }
  ProbedEndpoint(const ProbedEndpoint&) = delete;
  ProbedEndpoint& operator=(const ProbedEndpoint&) = delete;

  void answer(unsigned status) { status_ = status; }
  /// "METHOD user-agent | X-Probe values | body" of the last request.
  std::string last() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  int hits() const { return hits_; }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path) const { return scheme_ + "://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  const std::string body_;
  boost::asio::io_context io_;
  std::atomic<unsigned> status_{200};
  std::atomic<int> hits_{0};
  std::mutex mutex_;
  std::string last_;
  fakes::http::Server server_;
  const std::string scheme_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace consultest
