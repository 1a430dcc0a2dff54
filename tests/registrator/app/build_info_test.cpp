// The commit `registrator --version` names comes from registrator/app/build_info.cmake, which
// every build runs: here it runs on throw-away checkouts and on a tree outside git.
#include <gtest/gtest.h>

#include <regex>

#include "tests/support/process/child.hpp"
#include "tests/support/test_helpers.hpp"

namespace fs = std::filesystem;

namespace {

std::string script() {
  return std::string(REG_SOURCE_DIR) + "/registrator/app/build_info.cmake";
}

class BuildInfoScript : public ::testing::Test {
 protected:
  // Runs the script on `source`; returns the generated definition's initializer, e.g.
  // {"3e2d…", false}, or the script's output when it fails.
  std::string generate(const fs::path& source, const std::string& commit_override = "") {
    std::vector<std::string> argv{"cmake", "-DSOURCE_DIR=" + source.string(), "-DOUT=" + out.string()};
    if (!commit_override.empty()) argv.push_back("-DREG_GIT_COMMIT=" + commit_override);
    argv.insert(argv.end(), {"-P", script()});
    last = test_support::run(test_support::Command(argv));
    if (last.exit_code != 0) return "exit " + std::to_string(last.exit_code) + ": " + last.output;
    const std::string text = regtest::read_text(out);
    const auto open = text.find("kBuildInfo{");
    return text.substr(open + 10, text.find('}', open) - open - 9);
  }
  std::string git(const std::string& args) {
    const auto r = test_support::run_shell("git -C " + repo.string() + " -c user.name=t -c user.email=t@example.com " + args);
    EXPECT_EQ(r.exit_code, 0) << "git " << args << ": " << r.output;
    std::string text = r.output;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  regtest::TempDir dir{"build-info"};
  fs::path out = dir.path() / "build_info.cpp";
  fs::path repo = dir.path() / "repo";
  test_support::RunResult last;
};

}  // namespace

TEST_F(BuildInfoScript, ATreeOutsideGitSaysSo) {
  fs::create_directories(dir.path() / "tarball");
  EXPECT_EQ(generate(dir.path() / "tarball"), R"({"", false})");
}

TEST_F(BuildInfoScript, ACheckoutNamesItsHeadAndWhetherTrackedFilesChanged) {
  fs::create_directories(repo);
  git("init -q");
  std::ofstream(repo / "a.txt") << "one\n";
  git("add a.txt");
  git("commit -q -m one");
  const std::string head = git("rev-parse HEAD");
  ASSERT_EQ(head.size(), 40u);
  EXPECT_EQ(generate(repo), "{\"" + head + "\", false}");

  std::ofstream(repo / "build.log") << "untracked\n";  // a build tree beside the sources
  EXPECT_EQ(generate(repo), "{\"" + head + "\", false}");

  std::ofstream(repo / "a.txt") << "two\n";
  EXPECT_EQ(generate(repo), "{\"" + head + "\", true}");

  git("commit -q -am two");
  const std::string next = git("rev-parse HEAD");
  EXPECT_EQ(generate(repo), "{\"" + next + "\", false}") << "a rebuild after a commit names the new commit";
}

TEST_F(BuildInfoScript, AnUnchangedCommitLeavesTheFileAloneSoNothingRecompiles) {
  fs::create_directories(dir.path() / "tarball");
  ASSERT_EQ(generate(dir.path() / "tarball", "0123abc"), R"({"0123abc", false})");
  const auto written = fs::last_write_time(out);
  fs::last_write_time(out, written - std::chrono::hours(1));
  ASSERT_EQ(generate(dir.path() / "tarball", "0123abc"), R"({"0123abc", false})");
  EXPECT_EQ(fs::last_write_time(out), written - std::chrono::hours(1));
}

TEST_F(BuildInfoScript, ADirectoryInsideSomeOtherCheckoutIsNotThatCheckout) {
  fs::create_directories(repo / "vendored" / "registrator");
  git("init -q");
  std::ofstream(repo / "a.txt") << "one\n";
  git("add a.txt");
  git("commit -q -m one");
  EXPECT_EQ(generate(repo / "vendored" / "registrator"), R"({"", false})");
}

TEST_F(BuildInfoScript, GivenCommitWinsAndMustBeACommitId) {
  fs::create_directories(dir.path() / "tarball");
  EXPECT_EQ(generate(dir.path() / "tarball", "3e2d248"), R"({"3e2d248", false})");
  // CMake wraps the message's lines: compare with single spaces.
  const std::string bad = std::regex_replace(generate(dir.path() / "tarball", "main"), std::regex(R"(\s+)"), " ");
  EXPECT_NE(last.exit_code, 0);
  EXPECT_NE(bad.find("REG_GIT_COMMIT must be a git commit id (7 to 40 lower-case hex digits), got 'main'"),
            std::string::npos)
      << bad;
}
