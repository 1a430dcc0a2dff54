#include "scenarios/regsim/processes/etcd_server.hpp"

#include "scenarios/regsim/processes/free_port.hpp"
#include "scenarios/regsim/interrupt.hpp"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <thread>

namespace regsim {
namespace {

namespace fs = std::filesystem;

bool healthy(const fakes::http::Endpoint& client) {
  try {
    const auto r = fakes::http::fetch(client, boost::beast::http::verb::get, "/health", {}, {},
                                      std::chrono::seconds(2));
    const auto doc = nlohmann::json::parse(r.body, nullptr, false);
    return r.status == 200 && doc.is_object() && doc.value("health", "") == "true";
  } catch (const fakes::http::ClientError&) {
    return false;
  }
}

}  // namespace

std::string etcd_program() {
  if (const char* env = std::getenv("REGSIM_ETCD"); env && *env) return env;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':'))
      if (!dir.empty() && ::access((fs::path(dir) / "etcd").c_str(), X_OK) == 0) return (fs::path(dir) / "etcd").string();
  }
  return "/usr/bin/etcd";
}

EtcdServer::EtcdServer(const std::string& program, const fs::path& dir, std::chrono::milliseconds timeout,
                       const std::string& ip) {
  fs::create_directories(dir);
  std::string last_failure;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    const auto client_port = free_port(ip, "etcd");
    const auto peer_port = free_port(ip, "etcd");
    const std::string client_url = "http://" + ip + ":" + std::to_string(client_port);
    const std::string peer_url = "http://" + ip + ":" + std::to_string(peer_port);
    const auto data = dir / ("data-" + std::to_string(attempt));
    process_ = std::make_unique<ChildProcess>(LaunchSpec{
        program,
        {"--name", "regsim", "--data-dir", data.string(), "--listen-client-urls", client_url,
         "--advertise-client-urls", client_url, "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls",
         peer_url, "--initial-cluster", "regsim=" + peer_url, "--initial-cluster-state", "new",
         // Short heartbeats: a one-member cluster elects itself at once instead of after ~1 s.
         "--heartbeat-interval", "50", "--election-timeout", "500"},
        {},
        dir / "etcd.log",
        "etcd",
        {}});
    client_ = fakes::http::Endpoint::tcp(ip, client_port);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (process_->running() && std::chrono::steady_clock::now() < deadline) {
      throw_if_interrupted();
      if (healthy(client_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    last_failure = process_->running() ? "etcd was not healthy after " + std::to_string(timeout.count()) + " ms"
                                       : "etcd " + process_->exit_description().value_or("ended");
    process_->stop();
    if (std::chrono::steady_clock::now() >= deadline) break;  // slow, not a port race: do not retry
  }
  throw LaunchError(last_failure + "; its log: " + (dir / "etcd.log").string() + "\n" + process_->log_tail());
}

std::string EtcdServer::address() const { return client_.host + ":" + std::to_string(client_.port); }

}  // namespace regsim
