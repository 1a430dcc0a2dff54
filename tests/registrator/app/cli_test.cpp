// The registrator binary's command line behaviour (no network needed).
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/process/child.hpp"

namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

// `env` and `args` are shell text: environment assignments and quoted arguments.
Run run(const std::string& args, const std::string& env = "") {
  const char* dir = std::getenv("REG_BIN_DIR");
  std::string bin = std::string(dir ? dir : ".") + "/registrator";
  const auto r = test_support::run_shell(env + " " + bin + " " + args, {.separate_stderr = true});
  return {r.exit_code, r.output, r.error_output};
}

}  // namespace

// What a user checks: the version as upstream prints it on the first line, and on the second the
// commit that is checked out here (the binary was built from it), or why there is none.
TEST(RegistratorCli, VersionPrintsTheVersionAndTheCommitItWasBuiltFrom) {
  auto r = run("--version");
  EXPECT_EQ(r.code, 0);
  ASSERT_EQ(r.out.rfind("v7.4.0-cpp\ncommit ", 0), 0u) << r.out;
  const std::string source = REG_SOURCE_DIR;
  const auto head = test_support::run_shell("git -C " + source + " rev-parse --verify HEAD 2>/dev/null");
  if (head.exit_code != 0) {
    EXPECT_EQ(r.out, "v7.4.0-cpp\ncommit unknown (built outside a git checkout)\n");
    return;
  }
  const std::string commit = head.output.substr(0, head.output.find('\n'));
  const bool clean = r.out == "v7.4.0-cpp\ncommit " + commit + "\n";
  const bool dirty = r.out == "v7.4.0-cpp\ncommit " + commit + "-dirty (built with uncommitted changes)\n";
  EXPECT_TRUE(clean || dirty) << "checked out: " << commit << "\n--version:\n" << r.out;
}

TEST(RegistratorCli, MissingUriExitsTwoWithUsage) {
  auto r = run("");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("Missing required argument for registry URI.\n\nUsage of "), std::string::npos) << r.err;
}

TEST(RegistratorCli, UnknownFlagExitsTwo) {
  auto r = run("-nope consul://");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("flag provided but not defined: -nope\n"), std::string::npos) << r.err;
}

TEST(RegistratorCli, ValidationErrorsExitOne) {
  auto r = run("-ttl=10 consul://");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("-ttl and -ttl-refresh must be specified together or not at all"), std::string::npos);
}

// Values our flags do not know are refused before anything starts, naming the flag and the value.
TEST(RegistratorCli, UnknownFlagValuesAreRefusedWithAClearError) {
  auto format = run("-log-format=yaml consul://127.0.0.1:1", "DOCKER_HOST=unix:///nonexistent.sock");
  EXPECT_EQ(format.code, 1);
  EXPECT_NE(format.err.find("-log-format must be \"text\" or \"json\", not \"yaml\""), std::string::npos) << format.err;
  auto addr = run("-health-addr=localhost:8080 consul://127.0.0.1:1", "DOCKER_HOST=unix:///nonexistent.sock");
  EXPECT_EQ(addr.code, 2);
  EXPECT_NE(addr.err.find("invalid value \"localhost:8080\" for flag -health-addr: host must be an IPv4 address"),
            std::string::npos)
      << addr.err;
  auto deregister = run("-deregister=sometimes consul://127.0.0.1:1", "DOCKER_HOST=unix:///nonexistent.sock");
  EXPECT_EQ(deregister.code, 1);
  EXPECT_NE(deregister.err.find("-deregister must be \"always\" or \"on-success\""), std::string::npos) << deregister.err;
}

// With -log-format json even a start-up failure is JSON lines, so a shipper never sees text.
TEST(RegistratorCli, JsonLogFormatAppliesFromTheFirstLine) {
  auto r = run("-log-format json -retry-attempts=0 consul://127.0.0.1:1", "DOCKER_HOST=unix:///nonexistent.sock");
  EXPECT_EQ(r.code, 1);
  std::istringstream lines(r.err);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    EXPECT_TRUE(j.contains("time") && j.contains("level") && j.contains("message")) << line;
    if (count == 0) {
      EXPECT_EQ(j["message"], "Starting registrator v7.4.0-cpp ...");
      EXPECT_EQ(j["version"], "v7.4.0-cpp");
      EXPECT_TRUE(j.contains("commit")) << line;
    }
  }
  EXPECT_GE(count, 3) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:1: connect:"), std::string::npos) << r.err;
}

TEST(RegistratorCli, BadTagsTemplateExitsOneNamingTheProblem) {
  auto r = run("-tags '{{printf \"%s\" .ID}}' consul://127.0.0.1:1", "DOCKER_HOST=unix:///nonexistent.sock");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("template parsing failed with error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"printf\" is not supported"), std::string::npos) << r.err;
}

TEST(RegistratorCli, BadRegistryUriExitsOne) {
  auto r = run("nosuch://127.0.0.1:1", "DOCKER_HOST=unix:///nonexistent.sock");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unrecognized adapter: nosuch://127.0.0.1:1"), std::string::npos) << r.err;
  auto b = run("consul://h:p", "DOCKER_HOST=unix:///nonexistent.sock");
  EXPECT_EQ(b.code, 1);
  EXPECT_NE(b.err.find("bad adapter uri: consul://h:p"), std::string::npos) << b.err;
}

TEST(RegistratorCli, UnreachableConsulFailsAfterRetries) {
  // Port 1 on loopback: refused immediately.
  auto r = run("-retry-attempts=1 -retry-interval=10 consul://127.0.0.1:1", "DOCKER_HOST=unix:///nonexistent.sock");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("Connecting to backend (1/1)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:1: connect:"), std::string::npos) << r.err;
}
