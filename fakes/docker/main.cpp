// fake-docker: serves a fake Docker Engine API until SIGTERM/SIGINT (then exits 0 and removes
// its socket). Exit 2 for a bad command line or --images file, 1 if it cannot listen.
#include "fakes/docker/cli_options.hpp"
#include "fakes/docker/fake_docker.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>
#include <pthread.h>
#include <unistd.h>

namespace {

// Written under a temporary name and renamed, so a launcher never reads half a file.
void write_ready_file(const std::string& path, const nlohmann::json& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write ready file " + tmp);
    out << content.dump() << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write ready file " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fakes::docker;
  CliOptions options;
  try {
    options = parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "fake-docker: " << e.what() << "\n" << usage_text();
    return 2;
  }
  if (options.help) {
    std::cout << usage_text();
    return 0;
  }

  // Block the stop signals before any thread starts, then wait for them on this thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const std::string tcp_host = options.fake.tcp_host;
  const std::size_t restored = options.fake.state.size();
  const bool has_socket = !options.fake.socket_path.empty();
  // More than one simulated host: one loop serves them all, run by one thread of its own.
  std::unique_ptr<boost::asio::io_context> shared_io;
  if (!options.hosts.empty()) shared_io = std::make_unique<boost::asio::io_context>();
  auto make = [&](FakeDockerOptions o) {
    return shared_io ? std::make_unique<FakeDocker>(std::move(o), *shared_io) : std::make_unique<FakeDocker>(std::move(o));
  };

  std::unique_ptr<FakeDocker> owned;  // the --socket host
  std::vector<std::pair<std::string, std::unique_ptr<FakeDocker>>> hosts;
  try {
    for (std::size_t i = 0; i < options.hosts.size(); ++i) {
      FakeDockerOptions o = options.fake;
      o.socket_path = options.hosts[i].second;
      o.tcp_host.clear();
      o.state.clear();  // --state describes the --socket host
      o.seed = options.fake.seed + i + 1;
      hosts.emplace_back(options.hosts[i].first, make(std::move(o)));
    }
    if (has_socket) owned = make(std::move(options.fake));
  } catch (const std::exception& e) {
    std::cerr << "fake-docker: invalid --state file: " << e.what() << "\n" << usage_text();
    return 2;
  }
  if (owned) {
    for (const auto& note : owned->restore_notes()) std::cerr << "fake-docker: --state: " << note << "\n";
    if (restored) std::cerr << "fake-docker: --state: " << restored << " containers restored\n";
  }
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::thread loop;
  if (shared_io) {
    work.emplace(shared_io->get_executor());
    loop = std::thread([&] { shared_io->run(); });
  }
  auto stop_all = [&] {
    for (auto& [name, fake] : hosts) fake->stop();
    if (owned) owned->stop();
    if (shared_io) {
      work.reset();
      shared_io->stop();
      loop.join();
    }
  };
  try {
    nlohmann::json ready{{"pid", ::getpid()}, {"socket", nullptr}, {"tcp", nullptr}};
    if (owned) {
      owned->start();
      ready["socket"] = owned->socket_path();
      if (!tcp_host.empty()) ready["tcp"] = tcp_host + ":" + std::to_string(owned->tcp_port());
    }
    if (!hosts.empty()) {
      ready["hosts"] = nlohmann::json::object();
      for (auto& [name, fake] : hosts) {
        fake->start();
        ready["hosts"][name] = fake->socket_path();
      }
    }
    if (!options.ready_file.empty()) write_ready_file(options.ready_file, ready);
  } catch (const std::exception& e) {
    std::cerr << "fake-docker: " << e.what() << "\n";
    stop_all();
    return 1;
  }
  if (owned) {
    std::cerr << "fake-docker: listening on unix://" << owned->socket_path();
    if (!tcp_host.empty()) std::cerr << " and tcp://" << tcp_host << ":" << owned->tcp_port();
    std::cerr << std::endl;
  }
  for (const auto& [name, fake] : hosts)
    std::cerr << "fake-docker: host " << name << " listening on unix://" << fake->socket_path() << std::endl;

  int received = 0;
  sigwait(&stop_signals, &received);
  stop_all();
  return 0;
}
