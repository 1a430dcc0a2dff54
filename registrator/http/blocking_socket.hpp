#pragma once
// A connected stream socket (unix or TCP) driven by plain blocking-style system calls with a
// deadline (poll before each wait). The keep-alive client sends thousands of small requests at
// start-up; an io_context, a timer and type-erased executors per request cost more CPU than the
// request itself. Private to registrator_core.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "registrator/http/http_client.hpp"

namespace registrator::http::detail {

using Deadline = std::chrono::steady_clock::time_point;

/// Why a socket operation failed: the stage is the caller's; `timed_out` when the deadline passed.
struct SocketError {
  std::error_code code;
  bool timed_out = false;
  std::string message;  ///< when set, says it better than `code` (name resolution)
  std::string describe() const;  ///< "timed out", "connection closed by peer", strerror text
};

class BlockingSocket {
 public:
  BlockingSocket() = default;
  ~BlockingSocket();
  BlockingSocket(const BlockingSocket&) = delete;
  BlockingSocket& operator=(const BlockingSocket&) = delete;

  /// Opens a connection to `ep` (every resolved address in turn for TCP, TCP_NODELAY set).
  bool connect(const Endpoint& ep, Deadline deadline, SocketError& error);
  /// Writes all of `a` then `b` (one writev when the kernel takes it).
  bool write_all(std::string_view a, std::string_view b, Deadline deadline, SocketError& error);
  /// Reads what is there (waiting until the deadline for at least one byte). 0 = orderly EOF.
  /// Returns -1 on error.
  long read_some(char* data, std::size_t size, Deadline deadline, SocketError& error);

  bool is_open() const { return fd_ >= 0; }
  void close();

 private:
  bool wait(short events, Deadline deadline, SocketError& error);
  int fd_ = -1;
};

}  // namespace registrator::http::detail
