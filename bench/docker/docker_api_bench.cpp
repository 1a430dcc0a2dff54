// Engine API round trips over a unix socket, against whatever engines REG_DOCKER_SOCKETS names
// ("fake=/tmp/a.sock,real=/tmp/b.sock"): GET /containers/json (all) and GET /containers/{id}/json,
// one keep-alive connection, as a client like registrator uses them (registrator's KeepAliveClient)
// and again with the leanest client (bench/docker/lean_http_client.hpp: `*_lean`), whose own CPU
// per request is a fraction of registrator's, so a fast engine's time is not mostly the client's.
// bench/docker/vs_dockerd.sh sets up a real dockerd and fake-docker with the same containers and
// runs this.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "lean_http_client.hpp"
#include "registrator/keep_alive_client.hpp"

namespace {

using registrator::http::Endpoint;
using registrator::http::KeepAliveClient;
using registrator::http::Request;

std::string get(KeepAliveClient& client, const std::string& target) {
  Request req;
  req.target = target;
  auto r = client.send(req, std::chrono::seconds(30));
  if (r.status != 200) throw std::runtime_error(target + ": HTTP " + std::to_string(r.status));
  return std::move(r.body);
}

void list_all(benchmark::State& state, std::string socket) {
  KeepAliveClient client(Endpoint::unix_socket(socket));
  std::size_t containers = nlohmann::json::parse(get(client, "/v1.41/containers/json?all=1")).size();
  for (auto _ : state) benchmark::DoNotOptimize(get(client, "/v1.41/containers/json?all=1"));
  state.counters["containers"] = static_cast<double>(containers);
}

void inspect_one(benchmark::State& state, std::string socket) {
  KeepAliveClient client(Endpoint::unix_socket(socket));
  auto list = nlohmann::json::parse(get(client, "/v1.41/containers/json?all=1"));
  if (list.empty()) {
    state.SkipWithError("no containers");
    return;
  }
  const std::string target = "/v1.41/containers/" + list[0]["Id"].get<std::string>() + "/json";
  for (auto _ : state) benchmark::DoNotOptimize(get(client, target));
}

std::string first_id(const std::string& socket) {
  KeepAliveClient client(Endpoint::unix_socket(socket));
  auto list = nlohmann::json::parse(get(client, "/v1.41/containers/json?all=1"));
  return list.empty() ? std::string() : list[0]["Id"].get<std::string>();
}

void lean(benchmark::State& state, const std::string& socket, const std::string& target) {
  bench::LeanHttpClient client(socket);
  const std::string request = bench::LeanHttpClient::get_request(target);
  for (auto _ : state) {
    if (client.exchange(request) != 200) {
      state.SkipWithError((target + ": not 200").c_str());
      return;
    }
    benchmark::DoNotOptimize(client.body().data());
  }
  state.counters["bytes"] = static_cast<double>(client.body().size());
}

void list_all_lean(benchmark::State& state, std::string socket) { lean(state, socket, "/v1.41/containers/json?all=1"); }

void inspect_lean(benchmark::State& state, std::string socket) {
  const std::string id = first_id(socket);
  if (id.empty()) {
    state.SkipWithError("no containers");
    return;
  }
  lean(state, socket, "/v1.41/containers/" + id + "/json");
}

}  // namespace

int main(int argc, char** argv) {
  const char* sockets = std::getenv("REG_DOCKER_SOCKETS");
  std::istringstream in(sockets ? sockets : "");
  for (std::string item; std::getline(in, item, ',');) {
    auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = item.substr(0, eq), socket = item.substr(eq + 1);
    benchmark::RegisterBenchmark(("list_all/" + name).c_str(), list_all, socket)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("inspect/" + name).c_str(), inspect_one, socket)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("list_all_lean/" + name).c_str(), list_all_lean, socket)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("inspect_lean/" + name).c_str(), inspect_lean, socket)->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
