#pragma once
// An HTTP/1.1 client that keeps its connection open between requests to one endpoint, as Go's
// http.Transport does for upstream. Start-up sync of thousands of containers otherwise pays a
// connect/accept/close per inspect and per registration on both sides.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "registrator/http/http_client.hpp"

namespace registrator::http {

/// One request's outcome in KeepAliveClient::send_pipelined().
struct PipelinedAnswer {
  std::optional<Response> response;
  std::string error;  ///< the TransportError message send() would have thrown
  bool answered() const { return response.has_value(); }
  bool failed() const { return !error.empty(); }
};

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

  /// HTTP/1.1 pipelining: writes all `requests` at once on the kept connection, then reads the
  /// answers in order: one system call each way for many small exchanges instead of a round trip
  /// apiece. Answer i holds request i's response, or the failure send() would have thrown for it
  /// (the reused-idle-connection retry included); the requests after a failure, and all of them
  /// on a TLS endpoint, hold neither: the caller sends those again with send(). So they must be
  /// safe to repeat (GET, PUT of the same registration): the peer may have seen them. Never
  /// throws. Keep a batch small (its bytes well within a socket buffer): the answers are read
  /// only after every request is written.
  std::vector<PipelinedAnswer> send_pipelined(const std::vector<Request>& requests, std::chrono::milliseconds timeout);

  const Endpoint& endpoint() const { return endpoint_; }

  struct Connection;

 private:
  Endpoint endpoint_;
  std::mutex mu_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace registrator::http
