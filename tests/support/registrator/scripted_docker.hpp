#pragma once
// A Docker Engine stand-in on a unix socket that answers whatever the test scripts, including
// garbage, truncated bodies and broken event streams (fake-docker only answers correctly).
// One thread per connection; GET /events streams chunks the test pushes with push_event().
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace regtest {

/// A full HTTP/1.1 response with a correct Content-Length.
inline std::string http_response(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

class ScriptedDocker {
 public:
  /// `answer(method_and_target, nth)` returns the raw bytes for a non-/events request; nth counts
  /// earlier requests with the same path (0 for the first). The connection is closed after it.
  using Answer = std::function<std::string(const std::string& path, int nth)>;

  ScriptedDocker(std::string socket_path, Answer answer) : path_(std::move(socket_path)), answer_(std::move(answer)) {
    ::unlink(path_.c_str());
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 64) != 0) {
      throw std::runtime_error("scripted docker: cannot listen on " + path_ + ": " + std::strerror(errno));
    }
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~ScriptedDocker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    cv_.notify_all();
    accept_thread_.join();
    for (auto& t : connection_threads_) t.join();
    ::close(listen_fd_);
    ::unlink(path_.c_str());
  }

  /// Raw bytes (usually one JSON line) for the open /events stream, sent as one chunk.
  void push_event(std::string bytes) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(bytes));
    cv_.notify_all();
  }
  /// Ends the current /events stream abruptly (no terminating chunk), as a crashing daemon does.
  void break_event_stream() {
    std::lock_guard lock(mu_);
    events_.push_back({});
    cv_.notify_all();
  }
  int event_connections() {
    std::lock_guard lock(mu_);
    return event_connections_;
  }
  int requests(const std::string& path) {
    std::lock_guard lock(mu_);
    auto it = counts_.find(path);
    return it == counts_.end() ? 0 : it->second;
  }

 private:
  void accept_loop() {
    for (;;) {
      pollfd p{listen_fd_, POLLIN, 0};
      ::poll(&p, 1, 50);
      std::lock_guard lock(mu_);
      if (stop_) return;
      if (!(p.revents & POLLIN)) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      open_fds_.push_back(fd);
      connection_threads_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string data;
    char buf[4096];
    while (data.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      data.append(buf, static_cast<std::size_t>(n));
    }
    const auto sp1 = data.find(' ');
    const auto sp2 = data.find(' ', sp1 + 1);
    std::string target = sp1 == std::string::npos || sp2 == std::string::npos ? "" : data.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string path = target.substr(0, target.find('?'));
    // Strip a /v1.NN version prefix.
    if (path.rfind("/v1.", 0) == 0) path = path.substr(path.find('/', 1));
    int nth = 0;
    {
      std::lock_guard lock(mu_);
      nth = counts_[path]++;
    }
    if (path == "/events") {
      stream_events(fd);
    } else {
      write_all(fd, answer_(path, nth));
    }
    std::lock_guard lock(mu_);
    ::shutdown(fd, SHUT_RDWR);
    std::erase(open_fds_, fd);
    ::close(fd);
  }

  void stream_events(int fd) {
    {
      std::lock_guard lock(mu_);
      ++event_connections_;
    }
    if (!write_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")) return;
    for (;;) {
      std::string next;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !events_.empty(); });
        if (stop_) return;
        next = std::move(events_.front());
        events_.pop_front();
      }
      if (next.empty()) return;  // break_event_stream()
      char len[32];
      std::snprintf(len, sizeof len, "%zx\r\n", next.size());
      if (!write_all(fd, len + next + "\r\n")) return;
    }
  }

  static bool write_all(int fd, const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  std::string path_;
  Answer answer_;
  int listen_fd_ = -1;
  std::thread accept_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<int> open_fds_;
  std::vector<std::thread> connection_threads_;
  std::deque<std::string> events_;
  std::map<std::string, int> counts_;
  int event_connections_ = 0;
};

}  // namespace regtest
