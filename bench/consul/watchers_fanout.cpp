// Blocking-query fan-out of fake-consul: N watchers (GET /v1/health/service/web?index=I&wait=5m,
// each on its own keep-alive connection, as `consul watch` and consul-template hold them) are
// parked on a fake-consul process; one registration changes the service; the time from sending
// that registration until each watcher has read its whole answer is measured with epoll, so the
// client adds microseconds, not the interpreter time a Python client adds.
//
//   consul_watchers_fanout [--watchers 10000] [--fake-consul PATH]
//
// Prints released/first/p50/p99/last (ms) and fake-consul's and its own CPU time for the release
// (so a slow client shows); exit 1
// when a watcher got no answer within 30 s. Everything stays on 127.0.0.1; the fake-consul
// child is killed on exit. The target (10,000 within 100 ms) is reported in the README.
#include "fakes/common/http/client.hpp"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using boost::beast::http::verb;

[[noreturn]] void die(const std::string& why) {
  std::cerr << "consul_watchers_fanout: " << why << "\n";
  std::exit(2);
}

/// The fake-consul child: started with a ready file, killed and reaped when this goes away.
class FakeConsulProcess {
 public:
  explicit FakeConsulProcess(const std::string& binary) {
    dir_ = fs::temp_directory_path() / ("fc-fanout-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    const std::string ready = (dir_ / "ready").string();
    std::vector<std::string> argv = {binary, "--http", "127.0.0.1:0", "--ready-file", ready};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    if (posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, args.data(), environ) != 0) die("cannot start " + binary);
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!fs::exists(ready)) {
      if (Clock::now() > deadline) die("fake-consul did not get ready");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling for a file another process writes
    }
    std::ifstream in(ready);
    const auto doc = nlohmann::json::parse(in);
    const std::string http = doc["http"];
    port_ = static_cast<std::uint16_t>(std::stoi(http.substr(http.rfind(':') + 1)));
  }
  ~FakeConsulProcess() {
    ::kill(pid_, SIGTERM);  // lets a wrapper (perf record) finish its output
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (Clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a child's exit
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::uint16_t port() const { return port_; }
  /// utime + stime of the process so far, in milliseconds.
  double cpu_ms() const {
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string skip;
    for (int i = 3; i < 14; ++i) fields >> skip;  // fields 3..13
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    return (utime + stime) * 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die(std::string("socket: ") + std::strerror(errno) + " (raise the open-file limit)");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die(std::string("connect: ") + std::strerror(errno));
  return fd;
}

/// One watcher's answer as it arrives: complete once the headers and Content-Length bytes are in.
struct Watcher {
  int fd = -1;
  std::string received;
  bool done = false;
  double done_ms = 0;
  bool complete() const {
    const auto end = received.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    const auto at = received.find("Content-Length: ");
    if (at == std::string::npos || at > end) return true;
    return received.size() >= end + 4 + std::stoul(received.substr(at + 16));
  }
};

/// This process's user + system CPU time so far, in milliseconds.
double own_cpu_ms() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_usec) / 1000.0; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  int watchers = 10000;
  std::string binary = (fs::path(argv[0]).parent_path() / "fake-consul").string();
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) die(flag + " needs a value");
    if (flag == "--watchers") {
      watchers = std::atoi(argv[++i]);
      if (watchers < 1 || watchers > 100000) die("--watchers expects 1..100000");
    } else if (flag == "--fake-consul") {
      binary = argv[++i];
    } else {
      die("unknown flag " + flag);
    }
  }
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);  // the child inherits it: it holds the other ends
  if (limit.rlim_cur < static_cast<rlim_t>(watchers) + 64) die("open-file limit " + std::to_string(limit.rlim_cur) + " is too low");

  FakeConsulProcess consul(binary);
  const auto endpoint = fakes::http::Endpoint::tcp("127.0.0.1", consul.port());
  const std::string service = R"({"ID":"web-%","Name":"web","Port":80,"Tags":["a"],"Meta":{"k":"v"}})";
  auto reg = [&](const std::string& id) {
    std::string body = service;
    body.replace(body.find('%'), 1, id);
    if (fakes::http::fetch(endpoint, verb::put, "/v1/agent/service/register", body).status != 200) die("register failed");
  };
  reg("a");
  const std::string index = fakes::http::fetch(endpoint, verb::get, "/v1/health/service/web").header("x-consul-index");
  const std::string request = "GET /v1/health/service/web?index=" + index + "&wait=5m HTTP/1.1\r\nHost: x\r\n\r\n";

  std::vector<Watcher> all(static_cast<std::size_t>(watchers));
  for (auto& w : all) {
    w.fd = connect_loopback(consul.port());
    if (::send(w.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) die("send failed");
  }
  const auto park_deadline = Clock::now() + std::chrono::seconds(60);
  for (;;) {
    const auto state = nlohmann::json::parse(fakes::http::fetch(endpoint, verb::get, "/_fake/state").body);
    if (state["ParkedQueries"].get<int>() >= watchers) break;
    if (Clock::now() > park_deadline) die("only " + state["ParkedQueries"].dump() + " watchers parked");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling another process's state
  }
  const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  for (std::size_t i = 0; i < all.size(); ++i) {
    ::fcntl(all[i].fd, F_SETFL, O_NONBLOCK);
    epoll_event ev{};
    // One-shot: a finished watcher needs no EPOLL_CTL_DEL, and an answer read whole by one recv
    // needs no second recv to find EAGAIN: the client spends one system call per watcher.
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = i;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, all[i].fd, &ev);
  }

  const double cpu_before = consul.cpu_ms();
  const double client_cpu_before = own_cpu_ms();
  const auto start = Clock::now();
  reg("b");  // the change every watcher waits for
  int released = 0;
  std::vector<epoll_event> events(1024);
  char buffer[16384];
  const auto deadline = start + std::chrono::seconds(30);
  while (released < watchers && Clock::now() < deadline) {
    const int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 100);
    for (int e = 0; e < n; ++e) {
      Watcher& w = all[events[e].data.u64];
      for (;;) {
        const ssize_t got = ::recv(w.fd, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        w.received.append(buffer, static_cast<std::size_t>(got));
        if (w.complete()) break;
      }
      if (!w.done && w.complete()) {
        w.done = true;
        w.done_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        ++released;
      } else if (!w.done) {
        epoll_event again{};
        again.events = EPOLLIN | EPOLLONESHOT;
        again.data.u64 = events[e].data.u64;
        ::epoll_ctl(epoll, EPOLL_CTL_MOD, w.fd, &again);
      }
    }
  }
  const double cpu_release = consul.cpu_ms() - cpu_before;
  const double client_cpu = own_cpu_ms() - client_cpu_before;
  std::vector<double> times;
  for (const auto& w : all)
    if (w.done) times.push_back(w.done_ms);
  std::sort(times.begin(), times.end());
  auto pct = [&](double p) { return times.empty() ? 0.0 : times[std::min(times.size() - 1, static_cast<std::size_t>(p * times.size()))]; };
  std::printf(
      "watchers %d released %d first %.1f ms p50 %.1f ms p99 %.1f ms last %.1f ms; fake-consul CPU %.0f ms, client CPU %.0f ms\n",
      watchers, released, pct(0), pct(0.5), pct(0.99), times.empty() ? 0.0 : times.back(), cpu_release, client_cpu);
  for (auto& w : all) ::close(w.fd);
  ::close(epoll);
  return released == watchers ? 0 : 1;
}
