// What each translation unit of this build tree is compiled with, read from the compile commands
// CMake wrote (compile_commands.json beside bin/), as the compiler reads them: left to right, the
// last -O wins and -fno-sanitize takes back what an earlier -fsanitize gave.
//
// The promise (top-level CMakeLists.txt, "test code"): the programs and libraries under test get
// the preset's flags; test code (every unit of a target linking GoogleTest, which GoogleTest's
// own -DGTEST_HAS_PTHREAD marks) is compiled -O0 in optimised builds and without UBSan in
// ASan+UBSan builds, because it is half of each build's CPU time. A -fno-sanitize=undefined that
// landed before the preset's -fsanitize on the command line once undid the second half silently.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

struct EffectiveFlags {
  std::string optimisation;          // the last -O flag, "" without one
  std::set<std::string> sanitizers;  // after every -fsanitize / -fno-sanitize, in order
  bool test_code = false;
};

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) items.push_back(item);
  return items;
}

EffectiveFlags effective_flags(const std::string& command) {
  EffectiveFlags flags;
  std::istringstream words(command);
  for (std::string word; words >> word;) {
    if (word.starts_with("-O")) flags.optimisation = word;
    if (word.starts_with("-fsanitize="))
      for (const auto& s : split_list(word.substr(11))) flags.sanitizers.insert(s);
    if (word.starts_with("-fno-sanitize="))
      for (const auto& s : split_list(word.substr(14))) {
        if (s == "all") flags.sanitizers.clear();
        flags.sanitizers.erase(s);
      }
    if (word.starts_with("-DGTEST_HAS_PTHREAD")) flags.test_code = true;
  }
  return flags;
}

std::string describe(const std::set<std::string>& sanitizers) {
  std::string text;
  for (const auto& s : sanitizers) text += (text.empty() ? "" : ",") + s;
  return text.empty() ? "none" : text;
}

struct CompiledUnit {
  std::string file;
  EffectiveFlags flags;
};

class CompileFlags : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("REG_BIN_DIR");
    ASSERT_NE(bin, nullptr) << "REG_BIN_DIR names this build's bin/ (ctest sets it)";
    const fs::path commands = fs::path(bin).parent_path() / "compile_commands.json";
    std::ifstream in(commands);
    ASSERT_TRUE(in) << "cannot read " << commands;
    for (const auto& entry : nlohmann::json::parse(in)) {
      const auto file = entry.at("file").get<std::string>();
      units.push_back({file, effective_flags(entry.at("command").get<std::string>())});
      // The benchmarks reach GoogleTest's define through the process helper, yet they are
      // measuring code: the preset's flags are theirs.
      if (file.find("/bench/") != std::string::npos && file.find("/tests/bench/") == std::string::npos)
        units.back().flags.test_code = false;
      (units.back().flags.test_code ? test_units : program_units)++;
    }
    ASSERT_GT(test_units, 0) << "no test code in " << commands;
    ASSERT_GT(program_units, 0) << "no program code in " << commands;
    // The preset, as the programs' units show it.
    for (const auto& unit : units)
      if (!unit.flags.test_code) {
        preset_sanitizers = unit.flags.sanitizers;
        preset_optimisation = unit.flags.optimisation;
        break;
      }
  }

  std::vector<CompiledUnit> units;
  int test_units = 0;
  int program_units = 0;
  std::set<std::string> preset_sanitizers;
  std::string preset_optimisation;
};

TEST_F(CompileFlags, EveryProgramUnitHasThePresetsSanitizersAndOptimisation) {
  for (const auto& unit : units) {
    if (unit.flags.test_code) continue;
    EXPECT_EQ(describe(unit.flags.sanitizers), describe(preset_sanitizers)) << unit.file;
    EXPECT_EQ(unit.flags.optimisation, preset_optimisation) << unit.file;
  }
}

TEST_F(CompileFlags, TestCodeGoesWithoutUbsanAndUnoptimisedButKeepsTheOtherSanitizers) {
  std::set<std::string> expected = preset_sanitizers;
  // UBSan goes where ASan comes with it; TSan builds instrument everything alike.
  if (expected.contains("address")) expected.erase("undefined");
  for (const auto& unit : units) {
    if (!unit.flags.test_code) continue;
    EXPECT_EQ(describe(unit.flags.sanitizers), describe(expected)) << unit.file;
    if (preset_sanitizers.empty()) {
      EXPECT_EQ(unit.flags.optimisation, "-O0") << unit.file << ": test code in an optimised build";
    }
  }
}

TEST(CompileFlagsReading, TheLastWordWinsAsTheCompilerReadsThem) {
  const auto flags = effective_flags(
      "c++ -O2 -fno-sanitize=undefined -DGTEST_HAS_PTHREAD=1 -fsanitize=address,undefined -O0 -c x.cpp");
  EXPECT_EQ(flags.optimisation, "-O0");
  EXPECT_EQ(describe(flags.sanitizers), "address,undefined") << "the earlier -fno-sanitize is undone";
  EXPECT_TRUE(flags.test_code);
  EXPECT_EQ(describe(effective_flags("c++ -fsanitize=address,undefined -fno-sanitize=all").sanitizers), "none");
  EXPECT_EQ(describe(effective_flags("c++ -fsanitize=thread -fno-sanitize=undefined").sanitizers), "thread");
}

}  // namespace
