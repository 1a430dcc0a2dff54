// The least an engine could do: a unix-socket HTTP/1.1 server that answers every GET with bytes
// prepared at start (a list body for paths holding "/containers/json", an inspect body for any
// other), one thread, epoll, no parsing beyond finding the end of each request. vs_dockerd.sh
// times it with the same client and on the same vCPUs as fake-docker and dockerd, so a run shows
// how much of a round trip is the kernel's and the client's: no engine can beat this server.
//   docker_canned_server SOCKET LIST_BODY_FILE INSPECT_BODY_FILE
// Bench-only: requests without a body, answered in order; a malformed one closes its connection.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "docker_canned_server: cannot read %s\n", path);
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The headers fake-docker and dockerd send for a JSON answer, and the body.
std::string answer(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: Docker/canned (linux)\r\n"
         "Api-Version: 1.41\r\nOstype: linux\r\nDocker-Experimental: false\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Blocking send of the whole answer (the socket buffer takes a 5 KB answer at once).
bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: docker_canned_server SOCKET LIST_BODY_FILE INSPECT_BODY_FILE\n");
    return 2;
  }
  const std::string list_answer = answer(read_file(argv[2])), inspect_answer = answer(read_file(argv[3]));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (std::strlen(argv[1]) >= sizeof addr.sun_path) {
    std::fprintf(stderr, "docker_canned_server: socket path too long: %s\n", argv[1]);
    return 2;
  }
  std::strcpy(addr.sun_path, argv[1]);
  ::unlink(argv[1]);
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener, 64) != 0) {
    std::perror("docker_canned_server: listen");
    return 1;
  }
  std::signal(SIGPIPE, SIG_IGN);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  std::map<int, std::string> pending;  // per connection: bytes of a request not yet complete
  char buf[16384];
  for (;;) {
    epoll_event events[64];
    const int ready = ::epoll_wait(ep, events, 64, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return 1;
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        const int c = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        epoll_event cev{};
        cev.events = EPOLLIN;  // level-triggered: one recv per wake-up is enough
        cev.data.fd = c;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        pending[c];
        continue;
      }
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      auto& have = pending[fd];
      if (n > 0) have.append(buf, static_cast<std::size_t>(n));
      bool ok = n > 0 && have.size() <= 64 * 1024;
      for (std::size_t end; ok && (end = have.find("\r\n\r\n")) != std::string::npos; have.erase(0, end + 4)) {
        const std::string_view head(have.data(), end);
        const std::string_view line = head.substr(0, head.find("\r\n"));
        ok = line.rfind("GET ", 0) == 0 &&
             send_all(fd, line.find("/containers/json") != std::string_view::npos ? list_answer : inspect_answer);
      }
      if (!ok) {
        ::close(fd);  // closing also takes it out of the epoll set
        pending.erase(fd);
      }
    }
  }
}
