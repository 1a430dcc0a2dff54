// The regsim binary with compose_up / compose_down: the shipped compose-web5 scenario's own
// lines, its failure against a registrator that registers wrong ports, and a compose file regsim
// cannot model refusing the run before any process starts.
#include "tests/scenarios/regsim/run_command.hpp"
#include "tests/scenarios/regsim/test_paths.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

namespace compose_scenario_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using regsim::test::bin_dir;
using regsim::test::run_command;
using regsim::test::source_dir;

std::string regsim_binary() { return (bin_dir() / "regsim").string(); }
fs::path web5_scenario() { return source_dir() / "scenarios" / "compose-web5.json"; }

void remove_logs_of(const std::string& output) {
  std::smatch where;
  if (std::regex_search(output, where, std::regex(R"(logs: (\S+))"))) fs::remove_all(where[1].str());
}

TEST(ComposeScenario, Web5RegistersComposesContainerNamesAndDeregistersOnDown) {
  const auto r = run_command(regsim_binary() + " run " + web5_scenario().string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASS  catalog valami: 1 entry as expected"));
  EXPECT_THAT(r.output, HasSubstr("PASS  catalog worker: 2 entries as expected"));
  EXPECT_THAT(r.output, HasSubstr("PASS  catalog valami: no entries, as expected"));
  EXPECT_THAT(r.output, HasSubstr("PASS  container host1/p_web5_1 absent: state absent"));
  EXPECT_THAT(r.output, ::testing::EndsWith("0 failed\nPASS\n")) << r.output;
}

TEST(ComposeScenario, Web5FailsWithABrokenRegistratorNamingComposesContainer) {
  const auto r = run_command(regsim_binary() + " run " + web5_scenario().string() + " --registrator " +
                             (bin_dir() / "registrator-broken").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAIL  catalog valami within 3s: entry ServiceID=host1:p_web5_1:80: ServicePort "
                                  "expected 7679, got 7680"))
      << r.output;
  EXPECT_THAT(r.output, ::testing::ContainsRegex(
                            R"(FAIL  catalog worker within 3s: entry ServiceID=host1:p_worker_1:80: ServicePort expected ([0-9]+), got [0-9]+)"))
      << r.output;
  remove_logs_of(r.output);
}

class RefusedComposeFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "regsim-compose-refused-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ / "s.json") << R"({"hosts": [{"name": "host1"}], "steps": [
  {"action": "compose_up", "file": "app.yml", "project": "p"},
  {"action": "expect", "catalog": "web", "entries": []}]})";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // regsim run with TMPDIR in the test's folder: a started fake would leave its log dir there.
  regsim::test::CommandResult run(const std::string& compose_file) {
    std::ofstream(dir_ / "app.yml") << compose_file;
    return run_command("TMPDIR=" + dir_.string() + " " + regsim_binary() + " run " + (dir_ / "s.json").string() + " 2>&1");
  }
  bool started_anything() const {
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().filename().string().starts_with("regsim-")) return true;
    return false;
  }

  fs::path dir_;
};

TEST_F(RefusedComposeFile, BuildIsRefusedAtLoadNamingFileServiceAndKey) {
  const auto r = run("services:\n  web:\n    image: test\n    build: ./web\n");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("regsim: " + (dir_ / "s.json").string() + ":2: steps[0].file: " +
                                  (dir_ / "app.yml").string() +
                                  ":4: services.web.build: fake-docker has no image builder: give the service an image instead"))
      << r.output;
  EXPECT_FALSE(started_anything()) << "refused before any fake or registrator started";
}

TEST_F(RefusedComposeFile, HostPathVolumesHealthcheckCommandsAndUnknownKeysAreRefused) {
  struct Case {
    std::string file, message;
  };
  const Case cases[] = {
      {"services:\n  web:\n    image: test\n    volumes: [\"./data:/data\"]\n",
       ":4: services.web.volumes[0]: mounts the host path \"./data\""},
      {"services:\n  web:\n    image: test\n    volumes:\n      - /srv:/srv\n",
       ":5: services.web.volumes[0]: mounts the host path \"/srv\""},
      {"services:\n  web:\n    image: test\n    healthcheck:\n      test: curl -f localhost\n",
       ":5: services.web.healthcheck.test: a health check command needs a process to run it"},
      {"services:\n  web:\n    image: test\n    privileged: true\n",
       ":4: services.web.privileged: regsim does not model \"privileged\""},
      {"services:\n  web:\n    image: test\n   ports: [\"80\"]\n", ":4: indented more than the keys above it"},
  };
  for (const auto& c : cases) {
    const auto r = run(c.file);
    EXPECT_EQ(r.status, 2) << c.file << r.output;
    EXPECT_THAT(r.output, HasSubstr((dir_ / "app.yml").string() + c.message)) << r.output;
    EXPECT_FALSE(started_anything()) << c.file;
  }
  // `regsim validate` says the same.
  const auto v = run_command(regsim_binary() + " validate " + (dir_ / "s.json").string() + " 2>&1");
  EXPECT_EQ(v.status, 2) << v.output;
  EXPECT_THAT(v.output, HasSubstr("indented more than the keys above it"));
}

}  // namespace
}  // namespace compose_scenario_test
