// Event fan-out of fake-docker: S subscribers hold GET /events open on its unix socket while
// events are emitted at R per second (health_status of one container, through the C++ control
// API, on fake-docker's io thread); every subscriber must receive every event. Reports the rate reached, what was
// delivered, and the delivery lag (event timeNano -> the subscriber read it) p50/p99/max.
//
//   docker_event_fanout [--subscribers 100] [--events 20000] [--rate 10000]
//
// Exit 1 when a subscriber missed an event. The target (issue: 100 subscribers at 10,000
// events/s) is reported in the README; a small run is the ctest smoke test.
#include "fakes/docker/fake_docker.hpp"

#include "fakes/common/http/client.hpp"

#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fd = fakes::docker;
using Clock = std::chrono::steady_clock;

struct Options {
  int subscribers = 100;
  int events = 20000;
  int rate = 10000;
};

int positive(const char* flag, const char* text) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (!*text || *end || v < 1 || v > 10'000'000) {
    std::cerr << "docker_event_fanout: " << flag << " expects a positive whole number, got \"" << text << "\"\n";
    std::exit(2);
  }
  return static_cast<int>(v);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "docker_event_fanout: " << flag << " needs a value\n";
      std::exit(2);
    }
    const char* value = argv[++i];
    if (flag == "--subscribers") o.subscribers = positive("--subscribers", value);
    else if (flag == "--events") o.events = positive("--events", value);
    else if (flag == "--rate") o.rate = positive("--rate", value);
    else {
      std::cerr << "docker_event_fanout: unknown flag " << flag
                << "\nusage: docker_event_fanout [--subscribers N] [--events N] [--rate N/s]\n";
      std::exit(2);
    }
  }
  return o;
}

std::int64_t wall_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One /events stream: the raw bytes (chunked JSON lines) scanned for each event's timeNano.
struct Subscriber {
  int fd = -1;
  std::string pending;
  std::size_t received = 0;
  std::vector<double> lag_ms;

  void consume(const char* data, std::size_t n, std::int64_t now) {
    pending.append(data, n);
    static constexpr std::string_view key = "\"timeNano\":";
    std::size_t pos = 0, done = 0;
    while ((pos = pending.find(key, pos)) != std::string::npos) {
      std::size_t end = pos + key.size();
      while (end < pending.size() && std::isdigit(static_cast<unsigned char>(pending[end]))) ++end;
      if (end == pending.size()) break;  // the number may continue in the next read
      const auto sent = std::stoll(pending.substr(pos + key.size(), end - pos - key.size()));
      lag_ms.push_back(static_cast<double>(now - sent) / 1e6);
      ++received;
      pos = done = end;
    }
    pending.erase(0, done ? done : (pending.size() > 64 ? pending.size() - 64 : 0));
  }
};

int open_stream(const std::string& socket_path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("docker_event_fanout: connect");
    std::exit(1);
  }
  const std::string request = "GET /v1.47/events HTTP/1.1\r\nHost: docker\r\n\r\n";
  if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    std::perror("docker_event_fanout: write");
    std::exit(1);
  }
  return fd;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse(argc, argv);
  char dir_template[] = "/tmp/fanout-XXXXXX";
  if (!::mkdtemp(dir_template)) {
    std::perror("docker_event_fanout: mkdtemp");
    return 1;
  }
  const std::filesystem::path dir = dir_template;
  fd::FakeDockerOptions fake_options;
  fake_options.socket_path = (dir / "docker.sock").string();
  fake_options.images = fd::ImageCatalog::from_json(R"({"app": {}})");
  fd::FakeDocker fake(std::move(fake_options));
  fake.start();

  const auto endpoint = fakes::http::Endpoint::unix_path(fake.socket_path());
  using boost::beast::http::verb;
  fakes::http::fetch(endpoint, verb::post, "/v1.47/containers/create?name=app", R"({"Image":"app"})");
  fakes::http::fetch(endpoint, verb::post, "/v1.47/containers/app/start");

  std::vector<Subscriber> subscribers(static_cast<std::size_t>(options.subscribers));
  for (auto& s : subscribers) s.fd = open_stream(fake.socket_path());
  // Every stream must be registered before the first event, or it would miss it.
  const auto open_deadline = Clock::now() + std::chrono::seconds(10);
  while (fake.event_stream_count() < subscribers.size() && Clock::now() < open_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));

  const auto expected = static_cast<std::size_t>(options.events);
  std::atomic<bool> emitting{true};
  std::thread reader([&] {
    std::vector<pollfd> fds;
    for (const auto& s : subscribers) fds.push_back({s.fd, POLLIN, 0});
    std::vector<char> buffer(1 << 16);
    Clock::time_point quiet_since = Clock::now();
    for (;;) {
      const bool all = std::all_of(subscribers.begin(), subscribers.end(),
                                   [&](const Subscriber& s) { return s.received >= expected; });
      if (all) return;
      // Once emission is over, stop after 2 s without any byte (something was lost).
      if (!emitting && Clock::now() - quiet_since > std::chrono::seconds(2)) return;
      if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
      const auto now = wall_nanos();
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        const auto n = ::read(fds[i].fd, buffer.data(), buffer.size());
        if (n > 0) {
          subscribers[i].consume(buffer.data(), static_cast<std::size_t>(n), now);
          quiet_since = Clock::now();
        } else {
          fds[i].events = 0;  // closed
        }
      }
    }
  });

  // Paced in 1 ms slots: each slot emits, on the io thread as the engine itself would, the events
  // due by then (a thread round trip per event would measure the handoff, not the fan-out).
  const auto started = Clock::now();
  int emitted = 0;
  for (int slot = 1; emitted < options.events; ++slot) {
    std::this_thread::sleep_until(started + std::chrono::milliseconds(slot));
    const auto due = std::min<long long>(options.events, static_cast<long long>(options.rate) * slot / 1000);
    fake.on_io([&] {
      for (; emitted < due; ++emitted) fake.set_health("app", emitted % 2 ? "healthy" : "unhealthy");
    });
  }
  const double emit_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  emitting = false;
  reader.join();
  const double total_seconds = std::chrono::duration<double>(Clock::now() - started).count();

  std::size_t delivered = 0, complete = 0;
  std::vector<double> lags;
  for (auto& s : subscribers) {
    delivered += std::min(s.received, expected);
    complete += s.received >= expected;
    lags.insert(lags.end(), s.lag_ms.begin(), s.lag_ms.end());
    ::close(s.fd);
  }
  fake.stop();
  std::filesystem::remove_all(dir);

  std::printf("fan-out: %d subscribers, %d events at %d/s requested, %.0f/s emitted (%.3f s)\n", options.subscribers,
              options.events, options.rate, options.events / emit_seconds, emit_seconds);
  std::printf("  delivered %zu of %zu (%zu of %d subscribers got every event), all read %.3f s after the first\n",
              delivered, expected * subscribers.size(), complete, options.subscribers, total_seconds);
  std::printf("  lag (event time -> read by the subscriber): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              percentile(lags, 0.5), percentile(lags, 0.99), lags.empty() ? 0.0 : *std::max_element(lags.begin(), lags.end()));
  return complete == subscribers.size() ? 0 : 1;
}
