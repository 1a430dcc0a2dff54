#include "registrator/http/blocking_socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace registrator::http::detail {

namespace {

std::error_code last_error() { return {errno, std::system_category()}; }

int remaining_ms(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return 0;
  // Round up so a wait never returns a hair before the deadline and spins.
  return static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30));
}

int open_nonblocking(int family) {
  return ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

}  // namespace

std::string SocketError::describe() const {
  if (timed_out) return "timed out";
  if (!message.empty()) return message;
  if (!code) return "connection closed by peer";
  return code.message();
}

BlockingSocket::~BlockingSocket() { close(); }

void BlockingSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool BlockingSocket::wait(short events, Deadline deadline, SocketError& error) {
  pollfd p{fd_, events, 0};
  for (;;) {
    const int ms = remaining_ms(deadline);
    if (ms == 0) {
      error = {std::make_error_code(std::errc::timed_out), true, {}};
      return false;
    }
    const int n = ::poll(&p, 1, ms);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) {
      error = {last_error(), false, {}};
      return false;
    }
  }
}

bool BlockingSocket::connect(const Endpoint& ep, Deadline deadline, SocketError& error) {
  close();
  // Finishes a non-blocking connect started on fd_.
  auto finish = [&](int rc) {
    if (rc == 0) return true;
    if (errno != EINPROGRESS && errno != EAGAIN) {
      error = {last_error(), false, {}};
      return false;
    }
    if (!wait(POLLOUT, deadline, error)) return false;
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      error = {std::error_code(so_error, std::system_category()), false, {}};
      return false;
    }
    return true;
  };
  if (ep.kind == Endpoint::Kind::Unix) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (ep.path.size() >= sizeof addr.sun_path) {
      error = {std::make_error_code(std::errc::filename_too_long), false, {}};
      return false;
    }
    std::memcpy(addr.sun_path, ep.path.data(), ep.path.size());
    fd_ = open_nonblocking(AF_UNIX);
    if (fd_ < 0) {
      error = {last_error(), false, {}};
      return false;
    }
    if (!finish(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr))) {
      close();
      return false;
    }
    return true;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(ep.host.c_str(), ep.port.c_str(), &hints, &found); rc != 0) {
    error = {std::make_error_code(std::errc::host_unreachable), false,
             "resolve " + ep.host + ": " + (rc == EAI_SYSTEM ? last_error().message() : ::gai_strerror(rc))};
    return false;
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  for (const addrinfo* a = found; a; a = a->ai_next) {
    fd_ = open_nonblocking(a->ai_family);
    if (fd_ < 0) {
      error = {last_error(), false, {}};
      continue;
    }
    if (finish(::connect(fd_, a->ai_addr, a->ai_addrlen))) {
      // Requests go out in one write; waiting for an ACK before the next one only adds latency.
      int one = 1;
      ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return true;
    }
    close();
    if (error.timed_out) return false;
  }
  return false;
}

bool BlockingSocket::write_all(std::string_view a, std::string_view b, Deadline deadline, SocketError& error) {
  while (!a.empty() || !b.empty()) {
    iovec iov[2] = {{const_cast<char*>(a.data()), a.size()}, {const_cast<char*>(b.data()), b.size()}};
    msghdr msg{};
    msg.msg_iov = a.empty() ? iov + 1 : iov;
    msg.msg_iovlen = a.empty() ? 1 : 2;
    const ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!wait(POLLOUT, deadline, error)) return false;
        continue;
      }
      error = {last_error(), false, {}};
      return false;
    }
    std::size_t done = static_cast<std::size_t>(n);
    const std::size_t from_a = std::min(done, a.size());
    a.remove_prefix(from_a);
    b.remove_prefix(done - from_a);
  }
  return true;
}

long BlockingSocket::read_some(char* data, std::size_t size, Deadline deadline, SocketError& error) {
  // Waiting first: an answer is rarely there the moment the request went out, and poll returns
  // at once when it is.
  for (;;) {
    if (!wait(POLLIN, deadline, error)) return -1;
    const ssize_t n = ::recv(fd_, data, size, 0);
    if (n >= 0) return static_cast<long>(n);
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      error = {last_error(), false, {}};
      return -1;
    }
  }
}

}  // namespace registrator::http::detail
