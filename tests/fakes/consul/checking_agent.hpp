#pragma once
// fake-consul as the check tests run it: --run-checks, 127.0.0.1:0, ready file and log in the
// test's directory.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/registrator/child_process.hpp"
#include "fakes/common/http/client.hpp"

namespace consultest {

/// Starts `fake-consul --run-checks` plus `extra` into `process` and returns its HTTP endpoint.
/// Throws, with the agent's log, when it is not ready within 20 s.
inline fakes::http::Endpoint start_checking_agent(const std::filesystem::path& dir,
                                                  std::unique_ptr<regtest::ChildProcess>& process,
                                                  const std::vector<std::string>& extra = {}) {
  const auto ready = dir / "ready.json";
  const auto log = dir / "log.txt";
  std::vector<std::string> args{regtest::bin("fake-consul"), "--http", "127.0.0.1:0", "--run-checks", "--ready-file",
                                ready.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  process = std::make_unique<regtest::ChildProcess>(args, log.string());
  if (!regtest::eventually([&] { return std::filesystem::exists(ready); }, std::chrono::seconds(20)))
    throw std::runtime_error("fake-consul did not become ready: " + regtest::read_text(log));
  const std::string http = nlohmann::json::parse(regtest::read_text(ready)).at("http").get<std::string>();
  const auto colon = http.rfind(':');
  return fakes::http::Endpoint::tcp(http.substr(0, colon), static_cast<std::uint16_t>(std::stoi(http.substr(colon + 1))));
}

}  // namespace consultest
