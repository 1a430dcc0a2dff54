// Runs the regsim binary on every shipped scenario, as CI does, and once on a deliberately wrong
// copy of the seed scenario to show that a mismatch fails loudly with both values.
#include "test_paths.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

struct Run {
  int status = -1;
  std::string output;
};

using regsim::test::bin_dir;
using regsim::test::source_dir;

// Runs a command, capturing stdout and stderr together.
Run run_command(const std::string& command) {
  Run r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer{};
  while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) r.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string regsim() { return (bin_dir() / "regsim").string(); }

class ScenarioRun : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* program : {"regsim", "fake-docker", "fake-consul", "registrator"})
      if (!fs::exists(bin_dir() / program)) GTEST_SKIP() << program << " is not built in " << bin_dir();
  }
};

TEST_F(ScenarioRun, EveryShippedScenarioPasses) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(source_dir() / "scenarios"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  ASSERT_GE(files.size(), 2u);
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const auto r = run_command(regsim() + " run " + file.string());
    EXPECT_EQ(r.status, 0) << file << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr("PASS  catalog valami:")) << file;
    EXPECT_THAT(r.output, HasSubstr("PASS  dns A valami.service.dc1.consul:")) << file;
    EXPECT_THAT(r.output, ::testing::Not(HasSubstr("FAIL  "))) << file << "\n" << r.output;
    EXPECT_THAT(r.output, ::testing::EndsWith("PASS\n")) << r.output;
  }
}

TEST_F(ScenarioRun, WrongExpectedPortFailsNamingServicePortAndBothValues) {
  std::ifstream in(source_dir() / "scenarios" / "seed-single-host.json");
  std::stringstream text;
  text << in.rdbuf();
  // Change the expected port of the :80 entry to 81.
  const std::string original = text.str();
  const std::string wrong = std::regex_replace(original, std::regex(R"("ServicePort": 80\b)"), R"("ServicePort": 81)",
                                               std::regex_constants::format_first_only);
  ASSERT_NE(wrong, original);

  std::string pattern = (fs::temp_directory_path() / "regsim-negative-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  std::ofstream(dir / "wrong-port.json") << wrong;

  const auto r = run_command(regsim() + " run " + (dir / "wrong-port.json").string());
  fs::remove_all(dir);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAIL  catalog valami within 5s: entry ServiceID=host1:web5:80: "
                                  "ServicePort expected 81, got 80"))
      << r.output;
  EXPECT_THAT(r.output, HasSubstr("logs: ")) << "failed runs keep their logs";
  EXPECT_THAT(r.output, ::testing::EndsWith("FAIL\n"));

  // The kept logs are where regsim says they are; clean them up.
  std::smatch where;
  if (std::regex_search(r.output, where, std::regex(R"(logs: (\S+))"))) {
    EXPECT_TRUE(fs::exists(fs::path(where[1].str()) / "host1" / "registrator.log"));
    fs::remove_all(where[1].str());
  }
}

}  // namespace
