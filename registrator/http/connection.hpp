#pragma once
// One connected stream socket (unix or TCP, optionally TLS over it) driven by plain system calls
// with a deadline: non-blocking, poll() before each wait. This is the whole I/O model of
// registrator's HTTP client (see http_client.hpp): no io_context, timer or executor per request
// (start-up sends ~20,000 requests, and each of those cost more CPU than the request itself), and
// one code path for plain and TLS peers. Private to registrator_core.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "registrator/http/http_client.hpp"

typedef struct ssl_st SSL;

namespace registrator::http::detail {

using Deadline = std::chrono::steady_clock::time_point;

/// Why a socket operation failed: `timed_out` when the deadline passed, `cancelled` when the
/// cancel descriptor fired.
struct SocketError {
  std::error_code code;
  bool timed_out = false;
  std::string message;  ///< when set, says it better than `code` (name resolution, TLS)
  bool cancelled = false;
  const char* stage = "connect";  ///< set by connect(): "connect" or "tls handshake"
  std::string describe() const;  ///< "timed out", "connection closed by peer", strerror text
};

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Every wait also watches `fd` (an eventfd): once it is readable, operations fail with
  /// `cancelled`. -1: nothing to watch.
  void watch_cancel(int fd) { cancel_fd_ = fd; }

  /// Opens a connection to `ep` (every resolved address in turn for TCP, TCP_NODELAY set) and,
  /// for a TLS endpoint, completes the handshake: SNI and the certificate checked against
  /// ep.host (name or IP SAN), as Go's crypto/tls with ServerName = host.
  bool connect(const Endpoint& ep, Deadline deadline, SocketError& error);
  /// Writes all of `a` then `b` (one writev when the kernel takes it).
  bool write_all(std::string_view a, std::string_view b, Deadline deadline, SocketError& error);
  /// Reads what is there (waiting until the deadline for at least one byte). 0 = the peer closed
  /// (for TLS also without close_notify: the HTTP parser decides whether the answer was whole).
  /// Returns -1 on error.
  long read_some(char* data, std::size_t size, Deadline deadline, SocketError& error);

  bool is_open() const { return fd_ >= 0; }
  void close();

 private:
  bool wait(short events, Deadline deadline, SocketError& error);
  bool connect_socket(const Endpoint& ep, Deadline deadline, SocketError& error);
  bool handshake(const Endpoint& ep, Deadline deadline, SocketError& error);
  /// After an OpenSSL call returned `rc`: waits for what it wants (true: call again) or fills
  /// `error` (false).
  bool tls_wait(int rc, Deadline deadline, SocketError& error);

  int fd_ = -1;
  int cancel_fd_ = -1;
  SSL* ssl_ = nullptr;
};

}  // namespace registrator::http::detail
