// The Debian package as an admin installs it: built with cpack from this build tree (once per
// ctest run, tests/registrator/e2e/built_packages.hpp), then read
// with dpkg-deb (what it installs, what it depends on, which files are conffiles), the binary
// inside run, and the systemd unit checked by systemd-analyze verify against the unpacked tree.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/registrator/e2e/built_packages.hpp"
#include "tests/support/process/child.hpp"
#include "tests/support/test_helpers.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text + "\n").find("\n" + line + "\n") != std::string::npos;
}

class RegistratorPackage : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto packages = regtest::built_packages();
    ASSERT_TRUE(packages.problem.empty()) << packages.problem;
    deb = packages.registrator_deb;
  }
  std::string dpkg_deb(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"dpkg-deb"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = test_support::run(test_support::Command(argv));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
  }

  regtest::TempDir dir{"reg-package"};
  std::string deb;
};

}  // namespace

TEST_F(RegistratorPackage, InstallsTheBinaryAUnitAndItsSettingsWithLibraryDependencies) {
  EXPECT_EQ(dpkg_deb({"-f", deb, "Package"}), "registrator\n");
  EXPECT_EQ(dpkg_deb({"-f", deb, "Version"}), "7.4.0+cpp-1\n");
  const std::string depends = dpkg_deb({"-f", deb, "Depends"});
  for (const char* lib : {"libc6", "libssl3", "libstdc++6"})
    EXPECT_NE(depends.find(lib), std::string::npos) << "Depends: " << depends;

  const std::string files = dpkg_deb({"--contents", deb});
  for (const char* path : {"./usr/bin/registrator", "./lib/systemd/system/registrator.service", "./etc/default/registrator",
                           "./usr/share/doc/registrator/README.md"})
    EXPECT_NE(files.find(std::string(path) + "\n"), std::string::npos) << path << " missing:\n" << files;

  const fs::path control = dir.path() / "control";
  dpkg_deb({"--control", deb, control.string()});
  EXPECT_TRUE(has_line(regtest::read_text(control / "conffiles"), "/etc/default/registrator"))
      << "the settings survive upgrades";

  const fs::path root = dir.path() / "root";
  dpkg_deb({"--extract", deb, root.string()});
  const auto packaged = test_support::run({(root / "usr/bin/registrator").string(), "--version"});
  const auto built = test_support::run({regtest::bin("registrator"), "--version"});
  EXPECT_EQ(packaged.exit_code, 0) << packaged.output;
  EXPECT_EQ(packaged.output, built.output) << "the package holds this build's binary";

  const std::string unit = regtest::read_text(root / "lib/systemd/system/registrator.service");
  for (const char* line : {"After=docker.service network-online.target", "Restart=on-failure",
                           "EnvironmentFile=/etc/default/registrator",
                           "ExecStart=/usr/bin/registrator $REGISTRATOR_OPTS ${REGISTRY_URI}",
                           "WantedBy=multi-user.target"})
    EXPECT_TRUE(has_line(unit, line)) << line << " missing:\n" << unit;
  const std::string defaults = regtest::read_text(root / "etc/default/registrator");
  EXPECT_TRUE(has_line(defaults, "DOCKER_HOST=unix:///var/run/docker.sock")) << defaults;
  EXPECT_TRUE(has_line(defaults, "REGISTRY_URI=consul://127.0.0.1:8500")) << defaults;
}

// systemd's own checker, on the unit as unpacked: with --root its ExecStart binary is looked up
// in the package, and the units it names (multi-user.target, docker.service...) among the host's,
// copied beside it (the host's own are never touched). It fails on a missing binary and warns,
// naming the line, about unknown keys and bad values: either fails the test.
TEST_F(RegistratorPackage, TheUnitPassesSystemdAnalyzeVerify) {
  if (!fs::exists("/usr/bin/systemd-analyze")) GTEST_SKIP() << "systemd-analyze is not installed (package systemd)";
  const fs::path root = dir.path() / "root";
  dpkg_deb({"--extract", deb, root.string()});
  const auto copied = test_support::run_shell("cp -an /lib/systemd/system/. " + (root / "lib/systemd/system").string() + "/");
  ASSERT_EQ(copied.exit_code, 0) << copied.output;
  const auto verified = test_support::run({"/usr/bin/systemd-analyze", "verify", "--man=no", "--root=" + root.string(),
                                           (root / "lib/systemd/system/registrator.service").string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_EQ(verified.output.find("registrator.service:"), std::string::npos) << "warnings about the unit:\n"
                                                                             << verified.output;
}

// The package ships no man page: its README is the manual. Every flag `registrator --help` lists
// is described there (as `-flag`), so the two cannot drift apart unnoticed.
TEST_F(RegistratorPackage, EveryFlagOfHelpIsInThePackagedReadme) {
  const fs::path root = dir.path() / "root";
  dpkg_deb({"--extract", deb, root.string()});
  const auto help = test_support::run({(root / "usr/bin/registrator").string(), "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.output;
  const std::string readme = regtest::read_text(root / "usr/share/doc/registrator/README.md");
  std::istringstream lines(help.output);
  std::vector<std::string> flags;
  for (std::string line; std::getline(lines, line);) {
    // "  -health-addr string" / "  -cleanup": a flag line of Go's flag package's usage.
    if (line.size() < 4 || line.compare(0, 3, "  -") != 0) continue;
    flags.push_back(line.substr(2, line.find(' ', 2) == std::string::npos ? std::string::npos : line.find(' ', 2) - 2));
  }
  EXPECT_GE(flags.size(), 18u) << help.output;
  for (const auto& flag : flags)
    EXPECT_NE(readme.find("`" + flag), std::string::npos) << flag << " is in --help but not in the packaged README";
}
