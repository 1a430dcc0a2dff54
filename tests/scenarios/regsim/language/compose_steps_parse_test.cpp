// compose_up / compose_down in a scenario: the compose file is read when the scenario loads, its
// containers can be named by later steps and templates, and a file regsim cannot model refuses
// the whole scenario with the scenario's line, the compose file's line, the service and the key.
#include "scenarios/regsim/language/scenario_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace regsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ComposeStepParse : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "regsim-compose-parse-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }

  std::string load_error(const std::string& scenario) {
    write("s.json", scenario);
    try {
      load_scenario(dir_ / "s.json");
    } catch (const LoadError& e) {
      return e.what();
    }
    return "(no error)";
  }

  fs::path dir_;
};

TEST_F(ComposeStepParse, ReadsTheFileRelativeToTheScenario) {
  fs::create_directory(dir_ / "compose");
  write("compose/app.yml", "services:\n  web:\n    image: test\n    ports: [\"7679:80\"]\n");
  write("s.json", R"({"hosts": [{"name": "host1"}], "steps": [
    {"action": "compose_up", "host": "host1", "file": "compose/app.yml", "project": "p"},
    {"action": "expect", "catalog": "web", "entries": [{"ServiceAddress": "{{ip host1/p_web_1}}"}]},
    {"action": "stop", "container": "p_web_1"},
    {"action": "compose_down", "file": "compose/app.yml", "project": "p"}]})");
  const auto s = load_scenario(dir_ / "s.json");
  ASSERT_EQ(s.steps.size(), 4u);
  const auto* up = std::get_if<ComposeAction>(&s.steps[0].action);
  ASSERT_NE(up, nullptr);
  EXPECT_TRUE(up->up);
  EXPECT_EQ(up->host, "host1");
  EXPECT_EQ(up->file, "compose/app.yml");
  ASSERT_EQ(up->project.containers.size(), 1u);
  EXPECT_EQ(up->project.containers[0].name, "p_web_1");
  EXPECT_EQ(up->project.containers[0].labels.at("com.docker.compose.project.config_files"),
            (dir_ / "compose" / "app.yml").string());
  const auto* down = std::get_if<ComposeAction>(&s.steps[3].action);
  ASSERT_NE(down, nullptr);
  EXPECT_FALSE(down->up);
  EXPECT_EQ(down->host, "host1") << "one host: host may be left out";
}

TEST_F(ComposeStepParse, RefusedFileRefusesTheScenarioNamingBothFilesServiceAndKey) {
  write("app.yml", "version: \"3.7\"\nservices:\n  web5:\n    image: test\n    build: ./web\n");
  EXPECT_EQ(load_error(R"({"hosts": [{"name": "host1"}], "steps": [
    {"action": "compose_up", "file": "app.yml", "project": "p"}]})"),
            (dir_ / "s.json").string() + ":2: steps[0].file: " + (dir_ / "app.yml").string() +
                ":5: services.web5.build: fake-docker has no image builder: give the service an image instead");
}

TEST_F(ComposeStepParse, YamlErrorsAndMissingFilesAreNamed) {
  write("bad.yml", "services:\n  web:\n\timage: test\n");
  EXPECT_EQ(load_error(R"({"hosts": [{"name": "host1"}], "steps": [{"action": "compose_up", "file": "bad.yml"}]})"),
            (dir_ / "s.json").string() + ":1: steps[0].file: " + (dir_ / "bad.yml").string() +
                ":3: a tab in the indentation (YAML indents with spaces)");
  EXPECT_THAT(load_error(R"({"hosts": [{"name": "host1"}], "steps": [{"action": "compose_up", "file": "none.yml"}]})"),
              HasSubstr("steps[0].file: " + (dir_ / "none.yml").string() + ": cannot read the compose file"));
  EXPECT_THAT(load_error(R"({"hosts": [{"name": "host1"}], "steps": [{"action": "compose_up"}]})"),
              HasSubstr("steps[0].file: required"));
}

TEST_F(ComposeStepParse, UnknownStepKeysAndContainersNotBroughtUpAreRefused) {
  write("app.yml", "services:\n  web:\n    image: test\n");
  EXPECT_THAT(load_error(R"({"hosts": [{"name": "host1"}], "steps": [
    {"action": "compose_up", "file": "app.yml", "scale": 2}]})"),
              HasSubstr("steps[0].scale"));
  // compose_down makes no container known: a later step cannot name one that was never up.
  EXPECT_THAT(load_error(R"({"hosts": [{"name": "host1"}], "steps": [
    {"action": "compose_down", "file": "app.yml", "project": "p"},
    {"action": "stop", "container": "p_web_1"}]})"),
              HasSubstr("steps[1].container"));
}

}  // namespace
}  // namespace regsim
