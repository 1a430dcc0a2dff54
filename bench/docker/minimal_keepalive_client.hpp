#pragma once
// The least a client can do for one HTTP/1.1 GET on a kept unix-socket connection: the request
// bytes written once (prepared by the caller), the answer read with blocking reads into one
// reused buffer, its head scanned only for the status, Content-Length and chunked encoding.
//
// Why a fourth HTTP client: docker_api_bench's `*_lean` runs measure the engine's CPU per request
// on a kept connection, and the ratio to a real dockerd is only as large as the client lets it
// be. No other client in the tree serves that: the harness client (fakes/common/http/client.hpp)
// opens a connection per request, so every exchange would also time a connect and an accept;
// registrator's http::Client keeps the connection, and the bench runs it too, but it spends
// more CPU of its own per request (asio, a full parser) than this one (~2.8 us, fakes/docker's
// README). Bench-only: no timeouts, no redirects, no trailers, throws on anything unexpected.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace bench {

class MinimalKeepAliveClient {
 public:
  explicit MinimalKeepAliveClient(const std::string& socket_path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (fd_ < 0 || socket_path.size() >= sizeof addr.sun_path) throw std::runtime_error("socket " + socket_path);
    std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::system_error(errno, std::system_category(), "connect " + socket_path);
  }
  ~MinimalKeepAliveClient() { ::close(fd_); }
  MinimalKeepAliveClient(const MinimalKeepAliveClient&) = delete;
  MinimalKeepAliveClient& operator=(const MinimalKeepAliveClient&) = delete;

  static std::string get_request(std::string_view target) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\n\r\n";
  }

  /// Sends `request` and returns the status; the body is in body() until the next call.
  int exchange(std::string_view request) {
    while (!request.empty()) {
      const ssize_t n = ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::system_error(errno, std::system_category(), "send");
      request.remove_prefix(static_cast<std::size_t>(n));
    }
    const std::size_t head_end = fill_until("\r\n\r\n") + 4;
    const std::string_view head(buf_.data() + begin_, head_end - begin_);
    int status = 0;
    if (head.size() < 12 || std::from_chars(head.data() + 9, head.data() + 12, status).ec != std::errc())
      throw std::runtime_error("not an HTTP answer");
    body_.clear();
    const bool chunked = find_field(head, "transfer-encoding").find("chunked") != std::string_view::npos;
    const std::string_view length = find_field(head, "content-length");
    begin_ = head_end;
    if (chunked) {
      for (;;) {
        const std::size_t line_end = fill_until("\r\n");
        std::size_t size = 0;
        if (std::from_chars(buf_.data() + begin_, buf_.data() + line_end, size, 16).ec != std::errc())
          throw std::runtime_error("bad chunk size");
        begin_ = line_end + 2;
        fill(size + 2);
        body_.append(buf_.data() + begin_, size);
        begin_ += size + 2;
        if (size == 0) break;  // no trailers: the empty line followed
      }
    } else {
      std::size_t size = 0;
      if (!length.empty() && std::from_chars(length.data(), length.data() + length.size(), size).ec != std::errc())
        throw std::runtime_error("bad Content-Length");
      fill(size);
      body_.assign(buf_.data() + begin_, size);
      begin_ += size;
    }
    return status;
  }

  const std::string& body() const { return body_; }

 private:
  // The value of a header field (name in lower case), or "".
  static std::string_view find_field(std::string_view head, std::string_view name) {
    for (std::size_t at = head.find("\r\n"); at != std::string_view::npos && at + 2 < head.size();) {
      const std::size_t next = head.find("\r\n", at + 2);
      const std::string_view line = head.substr(at + 2, next - at - 2);
      at = next;
      if (line.size() <= name.size() || line[name.size()] != ':') continue;
      bool same = true;
      for (std::size_t i = 0; i < name.size() && same; ++i)
        same = static_cast<char>(line[i] | 0x20) == name[i];
      if (!same) continue;
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return value;
    }
    return {};
  }

  // Reads until `needle` is buffered after begin_; returns its position.
  std::size_t fill_until(std::string_view needle) {
    for (;;) {
      const std::string_view have(buf_.data() + begin_, end_ - begin_);
      if (const auto at = have.find(needle); at != std::string_view::npos) return begin_ + at;
      read_more();
    }
  }

  // Reads until `n` bytes are buffered after begin_.
  void fill(std::size_t n) {
    while (end_ - begin_ < n) read_more();
  }

  void read_more() {
    if (begin_ == end_) begin_ = end_ = 0;
    if (end_ == buf_.size()) {
      if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      } else {
        buf_.resize(buf_.size() * 2);
      }
    }
    const ssize_t n = ::recv(fd_, buf_.data() + end_, buf_.size() - end_, 0);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) throw std::runtime_error("connection closed mid-answer");
    end_ += static_cast<std::size_t>(n);
  }

  int fd_ = -1;
  std::vector<char> buf_ = std::vector<char>(256 * 1024);
  std::size_t begin_ = 0, end_ = 0;
  std::string body_;
};

}  // namespace bench
