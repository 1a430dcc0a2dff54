// Start-up sync at scale: N running containers (one published port each) in fake-docker, an
// empty fake-consul, then the registrator binary. Reports the wall time from its start until
// every container's service was added (its "added:" log lines, checked against Consul's agent
// services at the end) and its peak RSS (VmHWM). Not a timed test: prints numbers.
//
//   registrator_startup_bench [--containers N] [--registrator PATH]   (default 10000; REG_BIN_DIR = the bin dir)
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench/common/process_stats.hpp"
#include "tests/support/test_helpers.hpp"
#include "tests/support/process/child.hpp"
#include "tests/support/registrator/docker_request.hpp"
#include "registrator/http/http_client.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

using regtest::bin;

registrator::http::Response call(const registrator::http::Endpoint& ep, const std::string& method,
                                  const std::string& target, const std::string& body = {}) {
  return registrator::http::send(ep, regtest::json_request(method, target, body), 30s);
}

// Counts "added:" lines, reading only what was appended since the last call: re-reading a log
// that grows to a megabyte every 20 ms would take CPU from the processes being measured.
class AddedCounter {
 public:
  explicit AddedCounter(fs::path log) : log_(std::move(log)) {}
  std::size_t count() {
    std::ifstream in(log_, std::ios::binary);
    if (!in) return added_;
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string line;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // no newline yet: a line still being written, read it next time
      offset_ += line.size() + 1;
      if (line.find("added: ") != std::string::npos) ++added_;
    }
    return added_;
  }

 private:
  fs::path log_;
  std::size_t offset_ = 0;
  std::size_t added_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  // --registrator PATH: another registrator (upstream's, through its wrapper) instead of ours;
  // it gets no -hostname (upstream has none: service IDs carry the OS hostname).
  std::string other_registrator;
  int containers = 10000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--containers") containers = std::stoi(argv[i + 1]);
    if (std::string(argv[i]) == "--registrator") other_registrator = argv[i + 1];
  }

  regtest::TempDir dir("reg-startup-bench");
  const std::string socket = (dir.path() / "docker.sock").string();
  test_support::ChildProcess docker({bin("fake-docker"), "--socket", socket, "--ready-file",
                                     (dir.path() / "docker.ready").string()},
                                    test_support::Output::log_file(dir.path() / "docker.log"));
  test_support::ChildProcess consul({bin("fake-consul"), "--http", "127.0.0.1:0", "--ready-file",
                                     (dir.path() / "consul.ready").string()},
                                    test_support::Output::log_file(dir.path() / "consul.log"));
  if (!regtest::eventually([&] { return fs::exists(dir.path() / "docker.ready") && fs::exists(dir.path() / "consul.ready"); },
                           20s)) {
    std::cerr << "fakes did not start\n";
    return 1;
  }
  const auto docker_ep = registrator::http::Endpoint::unix_socket(socket);
  const std::string consul_addr =
      nlohmann::json::parse(regtest::read_text(dir.path() / "consul.ready")).at("http").get<std::string>();
  const auto colon = consul_addr.rfind(':');
  const auto consul_ep = registrator::http::Endpoint::tcp(consul_addr.substr(0, colon), consul_addr.substr(colon + 1));

  const auto setup_start = Clock::now();
  for (int i = 0; i < containers; ++i) {
    const std::string name = "c" + std::to_string(100000 + i);
    const std::string create = R"({"Image":"registry.example.com/shop/web:1.2","ExposedPorts":{"80/tcp":{}},)"
                               R"("HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":""}]}}})";
    if (call(docker_ep, "POST", "/v1.47/containers/create?name=" + name, create).status != 201 ||
        call(docker_ep, "POST", "/v1.47/containers/" + name + "/start").status != 204) {
      std::cerr << "could not create/start " << name << "\n";
      return 1;
    }
  }
  const double setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();

  const double docker_cpu0 = bench::cpu_seconds(docker.pid()), consul_cpu0 = bench::cpu_seconds(consul.pid());
  const fs::path log = dir.path() / "registrator.log";
  const auto start = Clock::now();
  test_support::ChildProcess registrator(
      test_support::Command{other_registrator.empty() ? std::vector<std::string>{bin("registrator"), "-hostname", "bench", "-ip", "10.0.0.1", "consul://" + consul_addr}
                                                   : std::vector<std::string>{other_registrator, "-ip", "10.0.0.1", "consul://" + consul_addr}}.env(
          "DOCKER_HOST", "unix://" + socket),
      test_support::Output::log_file(log));
  const pid_t pid = registrator.pid();
  long rss = -1;
  AddedCounter added(log);
  const bool done = regtest::eventually(
      [&] {
        rss = std::max(rss, bench::peak_rss_kib(pid));
        return added.count() >= static_cast<std::size_t>(containers);
      },
      300s);
  const double sync_s = std::chrono::duration<double>(Clock::now() - start).count();
  rss = std::max(rss, bench::peak_rss_kib(pid));
  const double registrator_cpu = bench::cpu_seconds(pid);
  const double docker_cpu = bench::cpu_seconds(docker.pid()) - docker_cpu0, consul_cpu = bench::cpu_seconds(consul.pid()) - consul_cpu0;
  const auto services = nlohmann::json::parse(call(consul_ep, "GET", "/v1/agent/services").body);
  registrator.kill();

  std::printf("containers            %d\n", containers);
  std::printf("setup (create+start)  %.2f s\n", setup_s);
  std::printf("start-up sync         %.3f s%s (target < 1 s)\n", sync_s, done ? "" : " (TIMED OUT)");
  std::printf("registrator peak RSS  %.1f MiB (target < 30 MiB)\n", rss / 1024.0);
  std::printf("CPU during sync       registrator %.2f s, fake-docker %.2f s, fake-consul %.2f s\n", registrator_cpu,
              docker_cpu, consul_cpu);
  std::printf("services in Consul    %zu\n", services.size());
  return done && services.size() == static_cast<std::size_t>(containers) ? 0 : 1;
}
