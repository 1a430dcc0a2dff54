// Event to registration: N created containers in fake-docker are started at R per second while
// the registrator binary watches; for each, the lag from its `start` event (timeNano, stamped when
// fake-docker emits it) to the arrival of its registration at fake-consul (the request log's
// TimeNano; the agent applies it as it arrives). Reports p50/p99/max. Not a timed test.
//
//   registrator_event_latency_bench [--containers N] [--rate R] [--registrator PATH]   (defaults 2000, 1000/s)
#include <algorithm>
#include <cstdio>
#include <iostream>

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

registrator::http::Response call(registrator::http::Client& c, const std::string& method,
                                  const std::string& target, const std::string& body = {}) {
  return c.send(regtest::json_request(method, target, body), 30s);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  // --registrator PATH: another registrator (upstream's, through its wrapper) instead of ours;
  // it gets no -hostname (upstream has none: service IDs carry the OS hostname).
  std::string other_registrator;
  int containers = 2000;
  double rate = 1000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--containers") containers = std::stoi(argv[i + 1]);
    if (std::string(argv[i]) == "--registrator") other_registrator = argv[i + 1];
    if (std::string(argv[i]) == "--rate") rate = std::stod(argv[i + 1]);
  }
  regtest::TempDir dir("reg-latency-bench");
  const std::string socket = (dir.path() / "docker.sock").string();
  test_support::ChildProcess docker({bin("fake-docker"), "--socket", socket, "--event-history",
                                     std::to_string(containers * 4 + 100), "--ready-file", (dir.path() / "docker.ready").string()},
                                    test_support::Output::log_file(dir.path() / "docker.log"));
  test_support::ChildProcess consul({bin("fake-consul"), "--http", "127.0.0.1:0", "--ready-file",
                                     (dir.path() / "consul.ready").string()},
                                    test_support::Output::log_file(dir.path() / "consul.log"));
  if (!regtest::eventually([&] { return fs::exists(dir.path() / "docker.ready") && fs::exists(dir.path() / "consul.ready"); }, 20s)) {
    std::cerr << "fakes did not start\n";
    return 1;
  }
  const std::string consul_addr =
      nlohmann::json::parse(regtest::read_text(dir.path() / "consul.ready")).at("http").get<std::string>();
  const auto colon = consul_addr.rfind(':');
  registrator::http::Client docker_client(registrator::http::Endpoint::unix_socket(socket));
  registrator::http::Client consul_client(
      registrator::http::Endpoint::tcp(consul_addr.substr(0, colon), consul_addr.substr(colon + 1)));

  for (int i = 0; i < containers; ++i) {
    const std::string create = R"({"Image":"web","ExposedPorts":{"80/tcp":{}}})";
    if (call(docker_client, "POST", "/v1.47/containers/create?name=c" + std::to_string(100000 + i), create).status != 201) {
      std::cerr << "create failed\n";
      return 1;
    }
  }
  const fs::path log = dir.path() / "registrator.log";
  test_support::ChildProcess registrator(
      test_support::Command{other_registrator.empty() ? std::vector<std::string>{bin("registrator"), "-hostname", "bench", "-internal", "consul://" + consul_addr}
                                                   : std::vector<std::string>{other_registrator, "-internal", "consul://" + consul_addr}}.env(
          "DOCKER_HOST", "unix://" + socket),
      test_support::Output::log_file(log));
  if (!regtest::eventually([&] { return regtest::read_text(log).find("Listening for Docker events") != std::string::npos; }, 20s)) {
    std::cerr << "registrator did not start: " << regtest::read_text(log) << "\n";
    return 1;
  }

  // Starts paced at `rate`: each is sent at its scheduled time (an open-loop load, not a wait).
  const double docker_cpu0 = bench::cpu_seconds(docker.pid()), registrator_cpu0 = bench::cpu_seconds(registrator.pid());
  const auto begin = Clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  for (int i = 0; i < containers; ++i) {
    std::this_thread::sleep_until(begin + std::chrono::duration_cast<Clock::duration>(interval * i));
    call(docker_client, "POST", "/v1.47/containers/c" + std::to_string(100000 + i) + "/start");
  }
  const double achieved = containers / std::chrono::duration<double>(Clock::now() - begin).count();
  const bool all = regtest::eventually(
      [&] { return nlohmann::json::parse(call(consul_client, "GET", "/v1/agent/services").body).size() >= static_cast<std::size_t>(containers); },
      60s);
  const double docker_cpu = bench::cpu_seconds(docker.pid()) - docker_cpu0;
  const double registrator_cpu = bench::cpu_seconds(registrator.pid()) - registrator_cpu0;

  std::map<std::string, std::int64_t> started;  // container name -> start event time
  {
    auto r = call(docker_client, "GET", "/v1.47/events?since=0&until=" + std::to_string(std::time(nullptr) + 1) +
                                            "&filters=%7B%22event%22%3A%5B%22start%22%5D%7D");
    std::istringstream in(r.body);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto e = nlohmann::json::parse(line);
      started[e["Actor"]["Attributes"]["name"].get<std::string>()] = e["timeNano"].get<std::int64_t>();
    }
  }
  std::vector<double> lag_ms;
  for (const auto& r : nlohmann::json::parse(call(consul_client, "GET", "/_fake/requests").body)) {
    if (r["Target"] != "/v1/agent/service/register") continue;
    const std::string id = nlohmann::json::parse(r["Body"].get<std::string>()).value("ID", "");
    const auto first = id.find(':'), second = id.find(':', first + 1);
    auto it = started.find(id.substr(first + 1, second - first - 1));
    if (it != started.end()) lag_ms.push_back(static_cast<double>(r["TimeNano"].get<std::int64_t>() - it->second) / 1e6);
  }
  registrator.kill();
  std::printf("starts                %d at %.0f/s (asked %.0f/s)\n", containers, achieved, rate);
  std::printf("registrations seen    %zu%s\n", lag_ms.size(), all ? "" : " (NOT ALL ARRIVED)");
  std::printf("event -> registration p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 < 5 ms)\n",
              percentile(lag_ms, 0.50), percentile(lag_ms, 0.99), percentile(lag_ms, 1.0));
  std::printf("CPU per start         fake-docker %.0f us, registrator %.0f us (the starts included)\n",
              docker_cpu * 1e6 / containers, registrator_cpu * 1e6 / containers);
  return all && lag_ms.size() == static_cast<std::size_t>(containers) ? 0 : 1;
}
