// Runs the regsim binary on every shipped scenario, as CI does, and once on a deliberately wrong
// copy of the seed scenario to show that a mismatch fails loudly with both values.
#include <nlohmann/json.hpp>

#include "tests/scenarios/regsim/run_command.hpp"
#include "tests/scenarios/regsim/shipped_scenarios.hpp"
#include "tests/scenarios/regsim/test_paths.hpp"
#include "tests/support/process/child.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>

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

using regsim::test::bin_dir;
using regsim::test::run_command;
using regsim::test::source_dir;

std::string regsim() { return (bin_dir() / "regsim").string(); }

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "regsim-scenario-test-XXXXXX").string();
    if (::mkdtemp(pattern.data())) path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

// How many processes have `needle` in their command line (the fakes get paths in the log dir).
int processes_mentioning(const std::string& needle) {
  int count = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::ifstream in(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos) ++count;
  }
  return count;
}

class ScenarioRun : public ::testing::Test {
 protected:
  void SetUp() override {
    // A missing program is a broken build, not a reason to skip.
    for (const char* program : {"regsim", "fake-docker", "fake-consul", "registrator", "registrator-broken"})
      ASSERT_TRUE(fs::exists(bin_dir() / program)) << program << " is not built in " << bin_dir();
  }
};

// Each shipped scenario is a test of its own (ScenarioRun/EveryShippedScenario.*/<file stem>),
// so ctest runs them side by side. The list is read when the tests are registered: ctest only
// sees a scenario added after the test binary was last built once the binary is rebuilt.
class EveryShippedScenario : public ScenarioRun, public ::testing::WithParamInterface<regsim::test::ShippedScenario> {};

INSTANTIATE_TEST_SUITE_P(ScenarioRun, EveryShippedScenario, ::testing::ValuesIn(regsim::test::shipped_scenarios()),
                         regsim::test::scenario_test_name);

// The scenario directory is where the tests think it is, and holds the scenarios.
TEST_F(ScenarioRun, ShippedScenariosAreFound) {
  EXPECT_GE(regsim::test::shipped_scenarios().size(), 2u) << "scenarios/*.json in " << source_dir();
}

TEST_P(EveryShippedScenario, Passes) {
  const fs::path& file = GetParam().file;
  const auto r = run_command(regsim() + " run " + file.string());
  EXPECT_EQ(r.status, 0) << file << "\n" << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASS  ")) << file;
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("FAIL  "))) << file << "\n" << r.output;
  EXPECT_THAT(r.output, ::testing::EndsWith("0 failed\nPASS\n")) << file << "\n" << r.output;
}

TEST_F(ScenarioRun, SeedSingleHostReproducesTheTranscript) {
  const auto r = run_command(regsim() + " run " + (source_dir() / "scenarios" / "seed-single-host.json").string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASS  catalog valami: 2 entries as expected"));
  EXPECT_THAT(r.output, ::testing::ContainsRegex(R"(PASS  dns A valami\.service\.dc1\.consul: \[172\.17\.[0-9.]+\], TTL 0)"));
  EXPECT_THAT(r.output, HasSubstr("PASS  catalog valami: no entries, as expected"));
}

TEST_F(ScenarioRun, SeedMultiHostAnswersBothExternalAddresses) {
  const auto r = run_command(regsim() + " run " + (source_dir() / "scenarios" / "seed-multi-host.json").string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASS  dns A valami.service.dc1.consul: [10.186.150.172], as expected"));
  EXPECT_THAT(r.output,
              HasSubstr("PASS  dns A valami.service.dc1.consul: [10.186.150.172, 10.186.150.173], as expected"));
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

// Every shipped scenario must catch a registrator that registers wrong ports: registrator-broken
// (tests/support) registers each service on port + 1. The failure names the field and both values.
// (One test per scenario: a scenario the broken registrator passes fails its own test.)
TEST_P(EveryShippedScenario, FailsWithABrokenRegistrator) {
  const fs::path& file = GetParam().file;
  const auto r =
      run_command(regsim() + " run " + file.string() + " --registrator " + (bin_dir() / "registrator-broken").string());
  EXPECT_EQ(r.status, 1) << file << "\n" << r.output;
  // Consul scenarios name the catalog's ServicePort; etcd and SkyDNS scenarios the key's Value.
  EXPECT_THAT(r.output, ::testing::ContainsRegex(
                            R"(FAIL  (wait for )?(catalog \S+ within \S+: entry ServiceID=\S+: ServicePort expected ([0-9]+), got [0-9]+)"
                            R"(|keys \S+ within \S+: entry Key=\S+: Value expected .+, got .+))"))
      << file << "\n" << r.output;
  EXPECT_THAT(r.output, ::testing::EndsWith("FAIL\n")) << file << "\n" << r.output;
  std::smatch where;
  if (std::regex_search(r.output, where, std::regex(R"(logs: (\S+))"))) fs::remove_all(where[1].str());
}

TEST_F(ScenarioRun, SeedSingleHostNamesTheWrongPortsOfABrokenRegistrator) {
  const auto r = run_command(regsim() + " run " + (source_dir() / "scenarios" / "seed-single-host.json").string() +
                             " --registrator " + (bin_dir() / "registrator-broken").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAIL  catalog valami within 5s: entry ServiceID=host1:web5:80: ServicePort expected "
                                  "80, got 81; entry ServiceID=host1:web5:443: ServicePort expected 443, got 444"))
      << r.output;
  std::smatch where;
  if (std::regex_search(r.output, where, std::regex(R"(logs: (\S+))"))) fs::remove_all(where[1].str());
}

// Invariants are watched for the whole run: a registration left behind by -deregister on-success
// (exit 1) and one seeded for an ignored container break them, and the output says which and when.
TEST_F(ScenarioRun, BrokenInvariantsFailNamingTheServiceAndTheTime) {
  TempDir dir;
  const auto scenario = dir.path / "invariants.json";
  std::ofstream(scenario) << R"({
    "invariants": {"stopped_deregistered_within": "500ms", "ignored_never_registered": true, "no_duplicate_ids": true},
    "images": {"web": {"ExposedPorts": {"80/tcp": {}}}},
    "hosts": [{"name": "host1", "ip": "10.0.0.1", "registrator": {"args": ["-deregister", "on-success"]}}],
    "steps": [
      {"action": "run", "name": "hidden", "image": "web", "publish": ["7502:80"], "env": {"SERVICE_IGNORE": "1"}},
      {"action": "run", "name": "job", "image": "web", "publish": ["7501:80"]},
      {"action": "wait_for", "catalog": "web", "entries": [{"ServiceID": "host1:job:80", "ServicePort": 7501}]},
      {"action": "consul_register", "registration": {"ID": "host1:hidden:80", "Name": "web", "Port": 7502}},
      {"action": "exit", "container": "job", "code": 1},
      {"action": "wait", "duration": "1500ms"}]})";
  const auto r = run_command("TMPDIR=" + dir.path.string() + " " + regsim() + " run " + scenario.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASS  invariant no duplicate service IDs: held over ")) << r.output;
  EXPECT_THAT(r.output, ::testing::ContainsRegex(
                            "FAIL  invariant stopped containers deregistered within 500ms: at [0-9.]+m?s: host1:job:80 "
                            "still registered [0-9.]+m?s after its container was seen not running"))
      << r.output;
  EXPECT_THAT(r.output, ::testing::ContainsRegex("FAIL  invariant ignored containers never registered: at [0-9.]+m?s: "
                                                 "host1:hidden:80 is registered although it is ignored"))
      << r.output;
}

// A registrator that dies at once: the checks fail, and the output says why and where the logs are.
TEST_F(ScenarioRun, DeadRegistratorIsReportedWithItsExitStatus) {
  TempDir dir;
  const auto fake = dir.path / "broken-registrator";
  std::ofstream(fake) << "#!/bin/sh\necho 'broken on purpose' >&2\nexit 7\n";
  fs::permissions(fake, fs::perms::owner_all);
  const auto scenario = dir.path / "short.json";
  std::ofstream(scenario) << R"({"hosts": [{"name": "host1"}], "steps": [
      {"action": "run", "name": "web5", "image": "test", "env": {"SERVICE_NAME": "valami"}, "publish": ["7679:80"]},
      {"action": "expect", "catalog": "valami", "within": "500ms", "entries": [{"ServicePort": 7679}]}],
      "images": {"test": {"ExposedPorts": {"80/tcp": {}}}}})";
  const auto r = run_command("TMPDIR=" + dir.path.string() + " " + regsim() + " run " + scenario.string() +
                             " --registrator " + fake.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAIL  catalog valami within 500ms: expected 1 entry, got 0: missing entry "
                                  "{ServicePort=7679} [registrator (host1) exited with status 7]"))
      << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAIL  processes: registrator (host1) exited with status 7 during the scenario"));
  std::smatch where;
  ASSERT_TRUE(std::regex_search(r.output, where, std::regex(R"(logs: (\S+))"))) << r.output;
  std::ifstream log(fs::path(where[1].str()) / "host1" / "registrator.log");
  std::string line;
  std::getline(log, line);
  EXPECT_EQ(line, "broken on purpose");
}

// Ctrl-C in the middle of a scenario: regsim stops, says so, exits 130 and leaves no process behind.
TEST_F(ScenarioRun, InterruptStopsEveryChildProcess) {
  TempDir dir;
  const auto scenario = dir.path / "long.json";
  std::ofstream(scenario) << R"({"hosts": [{"name": "host1"}, {"name": "host2"}], "steps": [
      {"action": "wait", "duration": "2m"}]})";
  const auto output = dir.path / "out.txt";
  test_support::ChildProcess child(test_support::Command{regsim(), "run", scenario.string()}.env("TMPDIR", dir.path.string()),
                                   test_support::Output::log_file(output));
  // Ready when both registrators have been started (their command files are written just before).
  auto started = [&] {
    int found = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir.path))
      if (e.path().filename() == "registrator.cmd") ++found;
    return found == 2;
  };
  ASSERT_TRUE(child.wait_until(started, std::chrono::seconds(30), "regsim starting both registrators"));
  ASSERT_TRUE(child.signal(SIGINT));
  child.wait_exit(std::chrono::seconds(30));
  EXPECT_EQ(child.exit_description(), "exited with status 130");
  std::ifstream in(output);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("interrupted"));
  EXPECT_EQ(processes_mentioning(dir.path.string()), 0) << "every fake and registrator was stopped";
}

}  // namespace

namespace {

// holds_for fails as soon as the condition breaks, and says after how long and what it saw.
TEST_F(ScenarioRun, HoldsForFailsWhenTheConditionBreaks) {
  TempDir dir;
  const auto scenario = dir.path / "holds.json";
  std::ofstream(scenario) << R"({"hosts": [{"name": "host1", "ip": "10.0.0.1"}], "steps": [
      {"action": "expect", "catalog": "valami", "entries": [], "holds_for": "300ms"},
      {"action": "run", "name": "web5", "image": "test", "env": {"SERVICE_NAME": "valami"}, "publish": ["7679:80"]},
      {"action": "expect", "catalog": "valami", "entries": [], "holds_for": "10s"}],
      "images": {"test": {"ExposedPorts": {"80/tcp": {}}}}})";
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_command("TMPDIR=" + dir.path.string() + " " + regsim() + " run " + scenario.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASS  catalog valami for 300ms: no entries, as expected"));
  EXPECT_THAT(r.output, ::testing::ContainsRegex(
                            R"(FAIL  catalog valami for 10s: stopped holding after [0-9.]+m?s: expected 0 entries, got 1)"))
      << r.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(8)) << "it does not wait out the 10s";
}

// --junit, --json and --html from the binary: each file exists and describes the same run.
TEST_F(ScenarioRun, ReportFilesDescribeTheRun) {
  TempDir dir;
  const auto r = run_command(regsim() + " run " + (source_dir() / "scenarios" / "seed-single-host.json").string() +
                             " --junit " + (dir.path / "r.xml").string() + " --json " + (dir.path / "r.json").string() +
                             " --html " + (dir.path / "r.html").string());
  EXPECT_EQ(r.status, 0) << r.output;
  std::ifstream json_in(dir.path / "r.json");
  const auto doc = nlohmann::json::parse(json_in, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_TRUE(doc["passed"].get<bool>());
  ASSERT_EQ(doc["scenarios"].size(), 1u);
  EXPECT_EQ(doc["scenarios"][0]["name"], "seed-single-host");
  EXPECT_GE(doc["scenarios"][0]["checks"].size(), 3u);
  EXPECT_EQ(doc["scenarios"][0]["checks"][0]["kind"], "catalog");
  std::stringstream xml, html;
  xml << std::ifstream(dir.path / "r.xml").rdbuf();
  html << std::ifstream(dir.path / "r.html").rdbuf();
  EXPECT_THAT(xml.str(), HasSubstr("<testsuite name=\"seed-single-host\""));
  EXPECT_THAT(xml.str(), HasSubstr("failures=\"0\""));
  EXPECT_THAT(html.str(), HasSubstr("seed-single-host"));
  EXPECT_THAT(html.str(), HasSubstr("<svg class=\"lag\""));
  EXPECT_EQ(r.output.find('\r'), std::string::npos) << "no status line into a pipe";
}

// regsim simulate: a small cluster (4 hosts, one registrator and fake-docker each) churned for
// two seconds converges with nothing lost, stale or duplicated, and says so in its JSON report.
TEST(Simulate, SmallClusterConvergesWithNothingLostStaleOrDuplicated) {
  TempDir dir;
  const auto report = dir.path / "sim.json";
  const auto r = run_command(regsim() + " simulate --hosts 4 --containers 10 --churn 60/s --duration 2s --seed 3" +
                             " --json " + report.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("simulation: 4 hosts x 10 containers, churn 60/s for 2s, seed 3"));
  EXPECT_THAT(r.output, HasSubstr("lost 0, stale 0, duplicated 0, on another host's node 0"));
  EXPECT_THAT(r.output, HasSubstr("after the last event"));
  std::ifstream in(report);
  const auto doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_TRUE(doc["passed"].get<bool>());
  EXPECT_TRUE(doc["converged"].get<bool>());
  EXPECT_EQ(doc["initial_containers"], 40);
  EXPECT_EQ(doc["churn_started"].get<int>() + doc["churn_ended"].get<int>(), 120);
  EXPECT_EQ(doc["running"], doc["registered"]);
  EXPECT_EQ(doc["misplaced"], 0) << "each host registers through its own agent";
  EXPECT_EQ(doc["running"].get<int>(), 40 + doc["churn_started"].get<int>() - doc["churn_ended"].get<int>());
  EXPECT_GE(doc["lag_ms"]["count"].get<int>(), 40);
  ASSERT_EQ(doc["usage"].size(), 3u);
  EXPECT_EQ(doc["usage"][0]["role"], "registrator");
  EXPECT_EQ(doc["usage"][0]["processes"], 4);
  EXPECT_EQ(doc["usage"][1]["processes"], 4);
  EXPECT_GT(doc["usage"][2]["max_peak_rss_bytes"].get<std::uint64_t>(), 0u);
}

// --one-docker-process: every host's Docker is one engine in a single fake-docker process; the
// cluster behaves the same, and the report counts one fake-docker process.
TEST(Simulate, OneDockerProcessServesEveryHost) {
  TempDir dir;
  const auto report = dir.path / "sim.json";
  const auto r = run_command(regsim() + " simulate --hosts 5 --containers 8 --churn 40/s --duration 1s --seed 2" +
                             " --one-docker-process --json " + report.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("lost 0, stale 0, duplicated 0, on another host's node 0"));
  std::ifstream in(report);
  const auto doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_TRUE(doc["passed"].get<bool>());
  EXPECT_EQ(doc["initial_containers"], 40);
  EXPECT_EQ(doc["running"], doc["registered"]);
  ASSERT_EQ(doc["usage"].size(), 3u);
  EXPECT_EQ(doc["usage"][0]["processes"], 5) << "a registrator per host";
  EXPECT_EQ(doc["usage"][1]["role"], "fake-docker");
  EXPECT_EQ(doc["usage"][1]["processes"], 1) << "one fake-docker for all hosts";
}

// A "registrator" that never registers anything: the simulation does not converge, counts every
// container as lost and exits 1.
TEST(Simulate, ARegistratorThatRegistersNothingIsReportedAsLosingEverything) {
  TempDir dir;
  const auto idle = dir.path / "idle-registrator";
  std::ofstream(idle) << "#!/bin/sh\nexec sleep 300\n";
  fs::permissions(idle, fs::perms::owner_all);
  const auto r = run_command(regsim() + " simulate --hosts 2 --containers 5 --churn 10/s --duration 1s --settle 1s" +
                             " --registrator " + idle.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("convergence   NOT within 1s: lost "));
  EXPECT_THAT(r.output, HasSubstr("0 registered: lost "));
  EXPECT_THAT(r.output, HasSubstr("FAIL"));
}

}  // namespace
