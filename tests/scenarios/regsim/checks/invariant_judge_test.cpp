// Invariants judged over a series of polls: what breaks each one, and what a user reads.
#include "scenarios/regsim/checks/invariant_judge.hpp"

#include "scenarios/regsim/language/scenario_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace regsim {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

InvariantSpec all_invariants() {
  InvariantSpec spec;
  spec.no_duplicate_ids = true;
  spec.stopped_deregistered_within = Duration(1s);
  spec.ignored_never_registered = true;
  return spec;
}

TEST(InvariantJudge, HoldsWhenTheCatalogFollowsTheContainers) {
  InvariantJudge t(all_invariants(), {{"host1", "host1"}}, {});
  t.observe(Duration(0ms), {}, {{"host1", {}}});
  t.observe(Duration(100ms), {{"web", "host1:web:80", "node1"}}, {{"host1", {"web"}}});
  t.observe(Duration(200ms), {{"web", "host1:web:80", "node1"}}, {{"host1", {}}});  // stopped, not yet deregistered
  t.observe(Duration(900ms), {}, {{"host1", {}}});
  const auto v = t.verdicts();
  ASSERT_EQ(v.size(), 3u);
  for (const auto& verdict : v) EXPECT_TRUE(verdict.held) << verdict.label << ": " << verdict.detail;
  EXPECT_EQ(v[0].label, "invariant no duplicate service IDs");
  EXPECT_EQ(v[0].detail, "held over 4 polls in 900ms");
  EXPECT_EQ(v[1].label, "invariant stopped containers deregistered within 1s");
  EXPECT_EQ(v[2].label, "invariant ignored containers never registered");
}

TEST(InvariantJudge, IdsCarryTheRegistratorsHostnameWhileDockerIsAskedByHostName) {
  InvariantJudge t(all_invariants(), {{"docker-01", "host1"}}, {"host1/hidden"});
  t.observe(Duration(0ms), {{"web", "docker-01:web:80", "node1"}}, {{"host1", {"web"}}});
  t.observe(Duration(100ms), {{"web", "docker-01:web:80", "node1"}}, {{"host1", {}}});
  t.observe(Duration(1500ms), {{"web", "docker-01:web:80", "node1"}, {"hidden", "docker-01:hidden:80", "node1"}},
            {{"host1", {"hidden"}}});
  const auto v = t.verdicts();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_FALSE(v[1].held);
  EXPECT_THAT(v[1].detail, HasSubstr("docker-01:web:80 still registered 1.4s after its container was seen not running"));
  EXPECT_FALSE(v[2].held);
  EXPECT_THAT(v[2].detail, HasSubstr("docker-01:hidden:80 is registered although it is ignored"));
}

TEST(InvariantJudge, AnIdOnTwoNodesIsADuplicate) {
  InvariantSpec spec;
  spec.no_duplicate_ids = true;
  InvariantJudge t(spec, {{"host1", "host1"}}, {});
  t.observe(Duration(0ms), {{"web", "host1:web:80", "node1"}}, {});
  t.observe(Duration(250ms), {{"web", "host1:web:80", "node1"}, {"web", "host1:web:80", "host2"}}, {});
  const auto v = t.verdicts();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_FALSE(v[0].held);
  EXPECT_EQ(v[0].detail, "at 250ms: host1:web:80 registered 2 times (nodes node1, host2) (broken at 1 poll of 2)");
}

TEST(InvariantJudge, AStoppedContainerStillRegisteredPastTheLimitBreaksIt) {
  InvariantSpec spec;
  spec.stopped_deregistered_within = Duration(1s);
  InvariantJudge t(spec, {{"host1", "host1"}}, {});
  const std::vector<RegisteredInstance> registered = {{"web", "host1:web:80", "node1"}};
  t.observe(Duration(0ms), registered, {{"host1", {}}});
  t.observe(Duration(1000ms), registered, {{"host1", {}}});  // exactly the limit: still fine
  EXPECT_TRUE(t.verdicts()[0].held);
  t.observe(Duration(1500ms), registered, {{"host1", {}}});
  const auto v = t.verdicts();
  EXPECT_FALSE(v[0].held);
  EXPECT_EQ(v[0].detail,
            "at 1.5s: host1:web:80 still registered 1.5s after its container was seen not running (broken at 1 poll of 3)");
}

TEST(InvariantJudge, TheClockRestartsWhenTheContainerRunsAgainOrDockerIsAway) {
  InvariantSpec spec;
  spec.stopped_deregistered_within = Duration(1s);
  InvariantJudge t(spec, {{"host1", "host1"}}, {});
  const std::vector<RegisteredInstance> registered = {{"web", "host1:web:80", "node1"}};
  t.observe(Duration(0ms), registered, {{"host1", {}}});
  t.observe(Duration(800ms), registered, {{"host1", {"web"}}});  // restarted
  t.observe(Duration(1600ms), registered, {{"host1", {}}});
  t.observe(Duration(2400ms), registered, {});  // Docker did not answer: not judged
  t.observe(Duration(2500ms), registered, {{"host1", {}}});
  EXPECT_TRUE(t.verdicts()[0].held) << t.verdicts()[0].detail;
}

TEST(InvariantJudge, OtherIdFormsAndOtherHostsAreNotJudged) {
  InvariantJudge t(all_invariants(), {{"host1", "host1"}}, {"host1/hidden"});
  t.observe(Duration(0ms), {{"x", "custom-id", "node1"}, {"x", "elsewhere:web:80", "node1"}}, {{"host1", {}}});
  t.observe(Duration(5s), {{"x", "custom-id", "node1"}, {"x", "elsewhere:web:80", "node1"}}, {{"host1", {}}});
  for (const auto& v : t.verdicts()) EXPECT_TRUE(v.held) << v.label << ": " << v.detail;
}

TEST(InvariantJudge, AnIgnoredContainerOrPortMustNeverAppear) {
  InvariantSpec spec;
  spec.ignored_never_registered = true;
  InvariantJudge t(spec, {{"host1", "host1"}}, {"host1/hidden", "host1/half/443"});
  t.observe(Duration(0ms), {{"half-80", "host1:half:80", "node1"}}, {});
  EXPECT_TRUE(t.verdicts()[0].held);
  t.observe(Duration(100ms), {{"half-443", "host1:half:443", "node1"}}, {});
  EXPECT_EQ(t.verdicts()[0].detail,
            "at 100ms: host1:half:443 is registered although it is ignored (broken at 1 poll of 2)");
}

TEST(InvariantJudge, NoPollAtAllIsAFailureNotAPass) {
  InvariantSpec spec;
  spec.no_duplicate_ids = true;
  InvariantJudge t(spec, {{"host1", "host1"}}, {});
  EXPECT_FALSE(t.verdicts()[0].held);
  EXPECT_THAT(t.verdicts()[0].detail, HasSubstr("never observed"));
}

TEST(InvariantJudge, IgnoredContainersComeFromRunSteps) {
  const auto s = load_scenario_text(R"({"hosts": [{"name": "host1"}], "steps": [
      {"action": "run", "name": "hidden", "image": "x", "env": {"SERVICE_IGNORE": "true"}},
      {"action": "run", "name": "half", "image": "x", "labels": {"SERVICE_443_IGNORE": "1"}},
      {"action": "run", "name": "shown", "image": "x", "env": {"SERVICE_IGNORE": ""}}]})",
                                    "t.json");
  EXPECT_EQ(ignored_containers(s), (std::set<std::string>{"host1/hidden", "host1/half/443"}));
}

TEST(InvariantJudge, IgnoredContainersComeFromComposeUpSteps) {
  const auto dir = std::filesystem::temp_directory_path() / ("regsim-ignored-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "app.yml") << "services:\n  hidden:\n    image: x\n    environment: [SERVICE_IGNORE=1]\n"
                                    "  half:\n    image: x\n    labels: {SERVICE_443_IGNORE: \"yes\"}\n"
                                    "  shown:\n    image: x\n";
  const auto s = load_scenario_text(R"({"hosts": [{"name": "host1"}], "steps": [
      {"action": "compose_up", "file": "app.yml", "project": "p"}]})",
                                    dir / "t.json");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(ignored_containers(s), (std::set<std::string>{"host1/p_hidden_1", "host1/p_half_1/443"}));
}

TEST(InvariantJudge, ParsedFromTheScenario) {
  const auto s = load_scenario_text(R"({"invariants": {"no_duplicate_ids": true, "stopped_deregistered_within": "2s"},
      "hosts": [{"name": "host1"}], "steps": []})",
                                    "t.json");
  EXPECT_TRUE(s.invariants.no_duplicate_ids);
  EXPECT_EQ(s.invariants.stopped_deregistered_within, Duration(2s));
  EXPECT_FALSE(s.invariants.ignored_never_registered);
  try {
    load_scenario_text(R"({"invariants": {"no_duplicates": true}, "hosts": [{"name": "h"}], "steps": []})", "t.json");
    FAIL() << "no error";
  } catch (const LoadError& e) {
    EXPECT_THAT(e.what(), HasSubstr("invariants.no_duplicates: unknown key"));
  }
}

}  // namespace
}  // namespace regsim
