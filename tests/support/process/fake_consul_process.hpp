#pragma once
// The real fake-consul binary from REG_BIN_DIR on 127.0.0.1:0 (and a unix socket), ready-file driven.
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tests/support/test_helpers.hpp"
#include "tests/support/process/child.hpp"
#include "registrator/http/http_client.hpp"

namespace regtest {

class FakeConsulProcess {
 public:
  /// `http`: the listen address; a fixed port lets a test restart the agent where it was.
  explicit FakeConsulProcess(const std::string& http = "127.0.0.1:0") : dir_("fake-consul-kv") {
    const char* bin = std::getenv("REG_BIN_DIR");
    const std::string binary = std::string(bin ? bin : "") + "/fake-consul";
    if (!std::filesystem::exists(binary)) throw std::runtime_error(binary + " not found (is REG_BIN_DIR set?)");
    socket_ = (dir_.path() / "consul.sock").string();
    const auto ready = dir_.path() / "ready.json";
    child_ = std::make_unique<test_support::ChildProcess>(
        test_support::Command{binary, "--http", http, "--http-unix", socket_, "--ready-file", ready.string()},
        test_support::Output::log_file(dir_.path() / "log.txt"));
    if (auto ready_now = child_->wait_for_file(ready, std::chrono::seconds(20)); !ready_now)
      throw std::runtime_error("fake-consul did not become ready: " + std::string(ready_now.message()));
    http_ = nlohmann::json::parse(read_text(ready)).at("http").get<std::string>();
  }
  /// "127.0.0.1:PORT"
  const std::string& http_address() const { return http_; }
  const std::string& socket_path() const { return socket_; }
  registrator::http::Endpoint endpoint() const {
    auto colon = http_.rfind(':');
    return registrator::http::Endpoint::tcp(http_.substr(0, colon), http_.substr(colon + 1));
  }
  registrator::http::Response get(const std::string& target) const {
    registrator::http::Request req;
    req.target = target;
    return registrator::http::send(endpoint(), req, std::chrono::seconds(5));
  }

 private:
  TempDir dir_;
  std::string socket_;
  std::string http_;
  std::unique_ptr<test_support::ChildProcess> child_;
};

}  // namespace regtest
