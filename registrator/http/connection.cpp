#include "registrator/http/connection.hpp"

#include <arpa/inet.h>
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

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "registrator/http/tls_context.hpp"

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

Connection::~Connection() { close(); }

void Connection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool Connection::wait(short events, Deadline deadline, SocketError& error) {
  pollfd p[2] = {{fd_, events, 0}, {cancel_fd_, POLLIN, 0}};
  const nfds_t count = cancel_fd_ >= 0 ? 2 : 1;
  for (;;) {
    const int ms = remaining_ms(deadline);
    if (ms == 0) {
      error = {std::make_error_code(std::errc::timed_out), true, {}};
      return false;
    }
    const int n = ::poll(p, count, ms);
    if (n > 0 && count == 2 && p[1].revents != 0) {
      error = {std::make_error_code(std::errc::operation_canceled), false, "cancelled", true};
      return false;
    }
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) {
      error = {last_error(), false, {}};
      return false;
    }
  }
}

bool Connection::connect(const Endpoint& ep, Deadline deadline, SocketError& error) {
  close();
  if (!connect_socket(ep, deadline, error)) {
    error.stage = "connect";
    return false;
  }
  if (!ep.tls || handshake(ep, deadline, error)) return true;
  error.stage = "tls handshake";
  close();
  return false;
}

bool Connection::connect_socket(const Endpoint& ep, Deadline deadline, SocketError& error) {
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

bool Connection::write_all(std::string_view a, std::string_view b, Deadline deadline, SocketError& error) {
  if (ssl_) {
    for (std::string_view part : {a, b}) {
      while (!part.empty()) {
        ::ERR_clear_error();
        const int n = ::SSL_write(ssl_, part.data(), static_cast<int>(std::min<std::size_t>(part.size(), 1 << 30)));
        if (n > 0) {
          part.remove_prefix(static_cast<std::size_t>(n));
        } else if (!tls_wait(n, deadline, error)) {
          return false;
        }
      }
    }
    return true;
  }
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

long Connection::read_some(char* data, std::size_t size, Deadline deadline, SocketError& error) {
  if (ssl_) {
    // Reading first: OpenSSL may hold decrypted bytes that poll cannot see.
    for (;;) {
      ::ERR_clear_error();
      const int n = ::SSL_read(ssl_, data, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
      if (n > 0) return n;
      const int why = ::SSL_get_error(ssl_, n);
      if (why == SSL_ERROR_ZERO_RETURN) return 0;
      // A peer that closes without close_notify (common after Connection: close) is an end, as
      // for plain TCP; whether the answer was complete is the HTTP parser's call.
      if (why == SSL_ERROR_SYSCALL && errno == 0) return 0;
      if (why == SSL_ERROR_SSL && ERR_GET_REASON(::ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return 0;
      if (!tls_wait(n, deadline, error)) return -1;
    }
  }
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

namespace {

// OpenSSL's reason for the last failure on this thread ("certificate verify failed (unable to
// get local issuer certificate)"), or the system's.
std::string tls_error_text(SSL* ssl, int why) {
  const unsigned long e = ::ERR_get_error();
  ::ERR_clear_error();
  if (e != 0) {
    const char* reason = ::ERR_reason_error_string(e);
    std::string text = reason ? reason : "TLS error " + std::to_string(e);
    if (ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
      text += std::string(" (") + ::X509_verify_cert_error_string(::SSL_get_verify_result(ssl)) + ")";
    }
    return text;
  }
  if (why == SSL_ERROR_SYSCALL && errno != 0) return last_error().message();
  return "connection closed by peer";
}

}  // namespace

bool Connection::tls_wait(int rc, Deadline deadline, SocketError& error) {
  const int why = ::SSL_get_error(ssl_, rc);
  if (why == SSL_ERROR_WANT_READ) return wait(POLLIN, deadline, error);
  if (why == SSL_ERROR_WANT_WRITE) return wait(POLLOUT, deadline, error);
  error = {std::make_error_code(std::errc::protocol_error), false, tls_error_text(ssl_, why)};
  return false;
}

bool Connection::handshake(const Endpoint& ep, Deadline deadline, SocketError& error) {
  ssl_ = ::SSL_new(ep.tls->native().native_handle());
  if (!ssl_ || ::SSL_set_fd(ssl_, fd_) != 1) {
    error = {std::make_error_code(std::errc::not_enough_memory), false, tls_error_text(ssl_, SSL_ERROR_SSL)};
    return false;
  }
  ::SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  X509_VERIFY_PARAM* param = ::SSL_get0_param(ssl_);
  in6_addr ip{};
  const bool is_ip = ::inet_pton(AF_INET, ep.host.c_str(), &ip) == 1 || ::inet_pton(AF_INET6, ep.host.c_str(), &ip) == 1;
  if (is_ip) {
    ::X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str());  // no SNI for IPs (RFC 6066)
  } else {
    ::SSL_set_tlsext_host_name(ssl_, ep.host.c_str());
    ::X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), ep.host.size());
  }
  ::SSL_set_verify(ssl_, SSL_VERIFY_PEER, nullptr);
  for (;;) {
    ::ERR_clear_error();
    const int rc = ::SSL_connect(ssl_);
    if (rc == 1) return true;
    if (!tls_wait(rc, deadline, error)) return false;
  }
}

}  // namespace registrator::http::detail
