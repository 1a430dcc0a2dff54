#pragma once
// The shipped scenario files (scenarios/*.json in the source tree), for value-parameterized
// tests that run each one as a ctest case of its own. The list is read when the tests are
// registered (static initialisation, so also for --gtest_list_tests, which is how ctest
// discovers them), from the same source_dir() the tests run against.

#include "tests/scenarios/regsim/test_paths.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

namespace regsim::test {

// One shipped scenario file, as a test parameter.
struct ShippedScenario {
  std::filesystem::path file;
};

// What --gtest_list_tests prints after "# GetParam() = " (CMake 3.25's gtest_discover_tests puts
// that comment into the ctest name unless called with NO_PRETTY_VALUES): the file name, not the
// whole path of the source tree.
inline void PrintTo(const ShippedScenario& scenario, std::ostream* os) { *os << scenario.file.filename().string(); }

// Every scenarios/*.json, sorted; empty (not an exception during registration) when the
// directory cannot be read, which the suites' "found at least N" tests then report.
inline std::vector<ShippedScenario> shipped_scenarios() {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(source_dir() / "scenarios", ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<ShippedScenario> out;
  for (auto& f : files) out.push_back({std::move(f)});
  return out;
}

// The test name of a scenario file: its stem, anything but [A-Za-z0-9] replaced by '_'
// (scenarios/seed-single-host.json -> seed_single_host).
inline std::string scenario_test_name(const ::testing::TestParamInfo<ShippedScenario>& info) {
  std::string name = info.param.file.stem().string();
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

}  // namespace regsim::test
