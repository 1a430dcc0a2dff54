// fake-docker: serves a fake Docker Engine API until SIGTERM/SIGINT (then exits 0 and removes
// its socket). Exit 2 for a bad command line or --images file, 1 if it cannot listen.
#include "cli_options.hpp"
#include "fake_docker.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <pthread.h>
#include <unistd.h>

namespace {

// Written under a temporary name and renamed, so a launcher never reads half a file.
void write_ready_file(const std::string& path, const fakes::docker::FakeDocker& fake, const std::string& tcp_host) {
  nlohmann::json j{{"socket", fake.socket_path()}, {"pid", ::getpid()}};
  j["tcp"] = tcp_host.empty() ? nlohmann::json(nullptr) : nlohmann::json(tcp_host + ":" + std::to_string(fake.tcp_port()));
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write ready file " + tmp);
    out << j.dump() << "\n";
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
  std::unique_ptr<FakeDocker> owned;
  try {
    owned = std::make_unique<FakeDocker>(std::move(options.fake));
  } catch (const std::exception& e) {
    std::cerr << "fake-docker: invalid --state file: " << e.what() << "\n" << usage_text();
    return 2;
  }
  FakeDocker& fake = *owned;
  for (const auto& note : fake.restore_notes()) std::cerr << "fake-docker: --state: " << note << "\n";
  if (restored) std::cerr << "fake-docker: --state: " << restored << " containers restored\n";
  try {
    fake.start();
    if (!options.ready_file.empty()) write_ready_file(options.ready_file, fake, tcp_host);
  } catch (const std::exception& e) {
    std::cerr << "fake-docker: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "fake-docker: listening on unix://" << fake.socket_path();
  if (!tcp_host.empty()) std::cerr << " and tcp://" << tcp_host << ":" << fake.tcp_port();
  std::cerr << std::endl;

  int received = 0;
  sigwait(&stop_signals, &received);
  fake.stop();
  return 0;
}
