// Engine API round trips over a unix socket, against whatever engines REG_DOCKER_SOCKETS names
// ("fake=/tmp/a.sock,real=/tmp/b.sock"): GET /containers/json (all) and GET /containers/{id}/json,
// one keep-alive connection, as a client like registrator uses them (registrator's http::Client)
// and again with the leanest client (bench/docker/minimal_keepalive_client.hpp: `*_lean`), whose own CPU
// per request is a fraction of registrator's, so a fast engine's time is not mostly the client's.
// bench/docker/vs_dockerd.sh sets up a real dockerd and fake-docker with the same containers and
// runs this.
//
// A round trip on this 2-vCPU VM is mostly two wake-ups (client and server on different vCPUs),
// whose cost swings from ~3 to ~50 µs with the host's load, so the latency ratio swings with it.
// With REG_DOCKER_PIDS ("fake=123,real=456") each benchmark also reports `server_cpu_us`: the
// engine process's CPU time (user + system, all threads, from /proc/PID/stat) per request, which
// is the engine's own work and does not depend on how fast the kernel wakes anyone.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench/docker/minimal_keepalive_client.hpp"
#include "registrator/http/http_client.hpp"

namespace {

using registrator::http::Endpoint;
using registrator::http::Client;
using registrator::http::Request;

std::map<std::string, int> engine_pids;  // benchmark family suffix ("fake") -> engine pid

/// Process CPU time (user + system, every thread) in seconds, or -1 if unreadable.
double process_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close_paren = stat.rfind(')');  // the command name may hold spaces
  if (close_paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 14 and 15 of proc(5)
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// Reports the engine's CPU per iteration as `server_cpu_us` when its pid is known.
class EngineCpuMeter {
 public:
  EngineCpuMeter(benchmark::State& state, const std::string& engine) : state_(state) {
    auto it = engine_pids.find(engine);
    if (it != engine_pids.end()) pid_ = it->second, start_ = process_cpu_seconds(pid_);
  }
  ~EngineCpuMeter() {
    if (pid_ == 0 || start_ < 0 || state_.iterations() == 0) return;
    const double used = process_cpu_seconds(pid_) - start_;
    state_.counters["server_cpu_us"] = used * 1e6 / static_cast<double>(state_.iterations());
  }

 private:
  benchmark::State& state_;
  int pid_ = 0;
  double start_ = -1;
};

std::string get(Client& client, const std::string& target) {
  Request req;
  req.target = target;
  auto r = client.send(req, std::chrono::seconds(30));
  if (r.status != 200) throw std::runtime_error(target + ": HTTP " + std::to_string(r.status));
  return std::move(r.body);
}

void list_all(benchmark::State& state, std::string socket, std::string engine) {
  Client client(Endpoint::unix_socket(socket));
  std::size_t containers = nlohmann::json::parse(get(client, "/v1.41/containers/json?all=1")).size();
  EngineCpuMeter meter(state, engine);
  for (auto _ : state) benchmark::DoNotOptimize(get(client, "/v1.41/containers/json?all=1"));
  state.counters["containers"] = static_cast<double>(containers);
}

void inspect_one(benchmark::State& state, std::string socket, std::string engine) {
  Client client(Endpoint::unix_socket(socket));
  auto list = nlohmann::json::parse(get(client, "/v1.41/containers/json?all=1"));
  if (list.empty()) {
    state.SkipWithError("no containers");
    return;
  }
  const std::string target = "/v1.41/containers/" + list[0]["Id"].get<std::string>() + "/json";
  EngineCpuMeter meter(state, engine);
  for (auto _ : state) benchmark::DoNotOptimize(get(client, target));
}

std::string first_id(const std::string& socket) {
  Client client(Endpoint::unix_socket(socket));
  auto list = nlohmann::json::parse(get(client, "/v1.41/containers/json?all=1"));
  return list.empty() ? std::string() : list[0]["Id"].get<std::string>();
}

void lean(benchmark::State& state, const std::string& socket, const std::string& engine, const std::string& target) {
  bench::MinimalKeepAliveClient client(socket);
  const std::string request = bench::MinimalKeepAliveClient::get_request(target);
  EngineCpuMeter meter(state, engine);
  for (auto _ : state) {
    if (client.exchange(request) != 200) {
      state.SkipWithError((target + ": not 200").c_str());
      return;
    }
    benchmark::DoNotOptimize(client.body().data());
  }
  state.counters["bytes"] = static_cast<double>(client.body().size());
}

void list_all_lean(benchmark::State& state, std::string socket, std::string engine) {
  lean(state, socket, engine, "/v1.41/containers/json?all=1");
}

void inspect_lean(benchmark::State& state, std::string socket, std::string engine) {
  const std::string id = first_id(socket);
  if (id.empty()) {
    state.SkipWithError("no containers");
    return;
  }
  lean(state, socket, engine, "/v1.41/containers/" + id + "/json");
}

}  // namespace

int main(int argc, char** argv) {
  if (const char* pids = std::getenv("REG_DOCKER_PIDS")) {
    std::istringstream in(pids);
    for (std::string item; std::getline(in, item, ',');) {
      const auto eq = item.find('=');
      if (eq != std::string::npos) engine_pids[item.substr(0, eq)] = std::stoi(item.substr(eq + 1));
    }
  }
  const char* sockets = std::getenv("REG_DOCKER_SOCKETS");
  std::istringstream in(sockets ? sockets : "");
  for (std::string item; std::getline(in, item, ',');) {
    auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = item.substr(0, eq), socket = item.substr(eq + 1);
    benchmark::RegisterBenchmark(("list_all/" + name).c_str(), list_all, socket, name)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("inspect/" + name).c_str(), inspect_one, socket, name)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("list_all_lean/" + name).c_str(), list_all_lean, socket, name)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("inspect_lean/" + name).c_str(), inspect_lean, socket, name)->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
