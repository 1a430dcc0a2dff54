#pragma once
// An HTTP/1.1 client that keeps its connection open between requests to one endpoint, as Go's
// http.Transport does for upstream. Start-up sync of thousands of containers otherwise pays a
// connect/accept/close per inspect and per registration on both sides.
#include <chrono>
#include <memory>
#include <mutex>

#include "registrator/http_client.hpp"

namespace registrator::http {

class KeepAliveClient {
 public:
  explicit KeepAliveClient(Endpoint endpoint);
  ~KeepAliveClient();
  KeepAliveClient(const KeepAliveClient&) = delete;
  KeepAliveClient& operator=(const KeepAliveClient&) = delete;

  /// Like http::send(), on the kept connection (opened on first use, reopened after an error or
  /// a `Connection: close`). A request whose reused connection turns out closed by the peer
  /// before any answer byte arrived is sent once more on a fresh connection. TLS endpoints use
  /// one connection per request. Thread-safe: requests are serialised.
  Response send(const Request& request, std::chrono::milliseconds timeout);

  const Endpoint& endpoint() const { return endpoint_; }

  struct Connection;

 private:
  Endpoint endpoint_;
  std::mutex mu_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace registrator::http
