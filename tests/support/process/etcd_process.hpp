#pragma once
// Real etcd servers (Debian etcd-server, /usr/bin/etcd) for tests: one or several members on
// free loopback ports with data in a temp dir; ready when every member's /health says so.
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tests/support/test_helpers.hpp"
#include "tests/support/process/child.hpp"
#include "registrator/http/http_client.hpp"

namespace regtest {

class EtcdCluster {
 public:
  explicit EtcdCluster(int members) : dir_("etcd-test") {
    const std::string binary = "/usr/bin/etcd";
    if (!std::filesystem::exists(binary)) {
      throw std::runtime_error(binary + " not found: install the Debian package etcd-server");
    }
    std::vector<int> peer_ports;
    std::string initial_cluster;
    for (int i = 0; i < members; ++i) {
      client_ports_.push_back(free_loopback_port());
      peer_ports.push_back(free_loopback_port());
      if (i) initial_cluster += ",";
      initial_cluster += "m" + std::to_string(i) + "=http://127.0.0.1:" + std::to_string(peer_ports.back());
    }
    for (int i = 0; i < members; ++i) {
      const std::string name = "m" + std::to_string(i);
      const std::string client = "http://127.0.0.1:" + std::to_string(client_ports_[i]);
      const std::string peer = "http://127.0.0.1:" + std::to_string(peer_ports[i]);
      logs_.push_back(dir_.path() / (name + ".log"));
      children_.push_back(std::make_unique<test_support::ChildProcess>(
          test_support::Command{binary, "--name", name, "--data-dir", (dir_.path() / name).string(),
                                "--listen-client-urls", client, "--advertise-client-urls", client,
                                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                                "--initial-cluster", initial_cluster, "--initial-cluster-state", "new",
                                "--initial-cluster-token", "regtest-" + std::to_string(::getpid()),
                                "--heartbeat-interval", "50", "--election-timeout", "500"},
          test_support::Output::log_file(logs_.back())));
    }
    const bool ready = eventually(
        [&] {
          for (int i = 0; i < members; ++i) {
            if (!children_[i]->running() || !healthy(i)) return false;
          }
          return true;
        },
        std::chrono::seconds(30));
    if (!ready) {
      std::string why;
      for (const auto& log : logs_) why += read_text(log).substr(0, 2000) + "\n";
      throw std::runtime_error("etcd did not become healthy:\n" + why);
    }
  }

  std::string address(int member = 0) const { return "127.0.0.1:" + std::to_string(client_ports_[member]); }
  registrator::http::Endpoint endpoint(int member = 0) const {
    return registrator::http::Endpoint::tcp("127.0.0.1", std::to_string(client_ports_[member]));
  }

 private:
  bool healthy(int member) const {
    try {
      registrator::http::Request req;
      req.target = "/health";
      auto r = registrator::http::send(endpoint(member), req, std::chrono::seconds(2));
      auto j = nlohmann::json::parse(r.body, nullptr, false);
      return r.status == 200 && j.is_object() && j.value("health", "") == "true";
    } catch (const std::exception&) {
      return false;
    }
  }

  TempDir dir_;
  std::vector<int> client_ports_;
  std::vector<std::filesystem::path> logs_;
  std::vector<std::unique_ptr<test_support::ChildProcess>> children_;
};

}  // namespace regtest
