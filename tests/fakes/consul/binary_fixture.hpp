#pragma once
// The fake-consul executable as a launcher uses it: a child process (stopped and reaped on
// teardown), its --ready-file, and small helpers for the e2e tests.
#include "fakes/common/http/client.hpp"
#include "tests/support/process/child.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <unistd.h>

namespace consul_binary {

namespace fs = std::filesystem;
using boost::beast::http::verb;
using nlohmann::json;
using namespace std::chrono_literals;

inline std::string bin_dir() {
  const char* dir = std::getenv("REG_BIN_DIR");
  return dir ? dir : "";
}

using test_support::ChildProcess;
using test_support::Output;

/// What a shell command wrote to stdout (its stderr only when the command redirects it).
inline std::string run_capture(const std::string& command) {
  return test_support::run_shell(command, {.separate_stderr = true}).output;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline fakes::http::Endpoint endpoint_of(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  return fakes::http::Endpoint::tcp(host_port.substr(0, colon),
                                    static_cast<std::uint16_t>(std::stoi(host_port.substr(colon + 1))));
}

class ConsulBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fake-consul-e2e-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    binary_ = bin_dir() + "/fake-consul";
    ASSERT_TRUE(fs::exists(binary_)) << binary_ << " (is REG_BIN_DIR set?)";
  }
  void TearDown() override {
    child_.reset();
    peer_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  /// Starts the binary and waits for its ready file; returns the file's JSON.
  json launch(std::vector<std::string> extra = {}) { return launch_into(child_, "main", std::move(extra)); }
  /// Starts another instance into `child`; `name` keeps its ready file and stderr apart.
  json launch_into(std::unique_ptr<ChildProcess>& child, const std::string& name, std::vector<std::string> extra) {
    const fs::path ready = dir_ / (name + "-ready.json");
    const fs::path log = dir_ / (name + "-stderr.log");
    std::vector<std::string> argv = {binary_, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0", "--ready-file", ready.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    child = std::make_unique<ChildProcess>(argv, Output::fresh_log_file(log));
    if (auto became_ready = child->wait_for_file(ready, 20s); !became_ready) {
      ADD_FAILURE() << "fake-consul never became ready: " << became_ready.message();
      return {};
    }
    return json::parse(read_file(ready));
  }

  fs::path dir_;
  std::string binary_;
  std::unique_ptr<ChildProcess> child_;
  std::unique_ptr<ChildProcess> peer_;  // a second instance, for tests with two processes
};

}  // namespace consul_binary
