#pragma once
// fake-consul as the check tests run it: --run-checks, 127.0.0.1:0, ready file and log in the
// test's directory.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/test_helpers.hpp"
#include "tests/support/process/child.hpp"
#include "fakes/common/http/client.hpp"

namespace consultest {

/// Starts `fake-consul --run-checks` plus `extra` into `process` and returns its HTTP endpoint.
/// Throws, with the agent's log, when it is not ready within 20 s.
inline fakes::http::Endpoint start_checking_agent(const std::filesystem::path& dir,
                                                  std::unique_ptr<test_support::ChildProcess>& process,
                                                  const std::vector<std::string>& extra = {}) {
  const auto ready = dir / "ready.json";
  const auto log = dir / "log.txt";
  std::vector<std::string> args{regtest::bin("fake-consul"), "--http", "127.0.0.1:0", "--run-checks", "--ready-file",
                                ready.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  process = std::make_unique<test_support::ChildProcess>(args, test_support::Output::log_file(log));
  if (auto became_ready = process->wait_for_file(ready, std::chrono::seconds(20)); !became_ready)
    throw std::runtime_error("fake-consul did not become ready: " + std::string(became_ready.message()));
  const std::string http = nlohmann::json::parse(regtest::read_text(ready)).at("http").get<std::string>();
  const auto colon = http.rfind(':');
  return fakes::http::Endpoint::tcp(http.substr(0, colon), static_cast<std::uint16_t>(std::stoi(http.substr(colon + 1))));
}

}  // namespace consultest
