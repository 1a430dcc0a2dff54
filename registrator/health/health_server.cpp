#include "registrator/health/health_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace registrator {
namespace {

constexpr std::size_t kMaxHead = 8192;

std::string http_response(int status, std::string_view reason, const std::string& body, bool with_body,
                          std::string_view extra_headers = {}) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  out += "Content-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\n";
  out += extra_headers;
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  if (with_body) out += body;
  return out;
}

std::string error_body(const std::string& message) { return "{\"error\":\"" + message + "\"}\n"; }

std::string errno_text(int error) { return std::strerror(error); }

}  // namespace

std::string health_response(std::string_view head, const std::function<HealthReport()>& report) {
  // Request line: METHOD SP TARGET SP HTTP/1.x
  const std::string_view line = head.substr(0, head.find("\r\n"));
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.substr(sp2 + 1).substr(0, 7) != "HTTP/1.") {
    return http_response(400, "Bad Request", error_body("not an HTTP/1.x request"), true);
  }
  const std::string_view method = line.substr(0, sp1);
  std::string_view path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  path = path.substr(0, path.find('?'));  // probes add cache-busting queries
  if (path != "/health") return http_response(404, "Not Found", error_body("only /health is served here"), true);
  const bool head_only = method == "HEAD";
  if (method != "GET" && !head_only) {
    return http_response(405, "Method Not Allowed", error_body("use GET or HEAD"), true, "Allow: GET, HEAD\r\n");
  }
  const HealthReport r = report();
  return r.healthy ? http_response(200, "OK", r.json(), !head_only)
                   : http_response(503, "Service Unavailable", r.json(), !head_only);
}

HealthServer::HealthServer(const ListenAddress& address, Handler handler) : handler_(std::move(handler)) {
  const std::string wanted = to_string(address);
  sockaddr_storage storage{};
  socklen_t length = 0;
  const bool v6 = address.host.find(':') != std::string::npos;
  if (v6) {
    auto* sa = reinterpret_cast<sockaddr_in6*>(&storage);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(address.port);
    inet_pton(AF_INET6, address.host.c_str(), &sa->sin6_addr);
    length = sizeof *sa;
  } else {
    auto* sa = reinterpret_cast<sockaddr_in*>(&storage);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(address.port);
    inet_pton(AF_INET, address.host.c_str(), &sa->sin_addr);
    length = sizeof *sa;
  }
  listen_fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("health: cannot listen on " + wanted + ": socket: " + errno_text(errno));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0 || ::listen(listen_fd_, 16) != 0) {
    const int error = errno;
    ::close(listen_fd_);
    throw std::runtime_error("health: cannot listen on " + wanted + ": " + errno_text(error));
  }
  sockaddr_storage bound{};
  socklen_t bound_length = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &bound_length);
  ListenAddress actual = address;
  actual.port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                         : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  address_ = to_string(actual);
  if (::pipe2(wake_fds_, O_CLOEXEC) != 0) {
    const int error = errno;
    ::close(listen_fd_);
    throw std::runtime_error("health: pipe: " + errno_text(error));
  }
  thread_ = std::thread([this] { run(); });
}

HealthServer::~HealthServer() {
  const char byte = 0;
  [[maybe_unused]] auto n = ::write(wake_fds_[1], &byte, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_fds_[0]);
  ::close(wake_fds_[1]);
}

void HealthServer::run() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // the client gave up before accept, or fds ran out: next one
    serve(fd);
    ::close(fd);
  }
}

void HealthServer::serve(int fd) {
  timeval timeout{kRequestTimeoutMs / 1000, (kRequestTimeoutMs % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRequestTimeoutMs);
  std::string head;
  char buf[1024];
  // The head only: GET and HEAD have no body worth reading.
  while (head.find("\r\n\r\n") == std::string::npos) {
    if (head.size() > kMaxHead || std::chrono::steady_clock::now() > deadline) return;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;
    }
    head.append(buf, static_cast<std::size_t>(n));
  }
  const std::string response = health_response(head, handler_);
  std::size_t sent = 0;
  while (sent < response.size()) {
    const ssize_t n = ::send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;
    }
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace registrator
