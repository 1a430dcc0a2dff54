// The command line: usage errors, validate, and refusing to start without the programs.
#include "scenarios/regsim/cli.hpp"
#include "scenarios/regsim/running/scenario_environment.hpp"

#include "tests/scenarios/regsim/test_paths.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace regsim {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

struct CliResult {
  int status;
  std::string out;
  std::string err;
};

CliResult cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = run_cli(args, out, err);
  return {status, out.str(), err.str()};
}

fs::path seed(const char* name) {
  return test::source_dir() / "scenarios" / name;
}

TEST(Cli, ParsesRunOptions) {
  const auto cmd = parse_command_line({"run", "a.json", "--bin-dir", "/opt/bin", "b.json", "--registrator=/x/reg",
                                       "--keep-logs", "-v"});
  EXPECT_EQ(cmd.kind, CliCommand::Kind::run);
  EXPECT_EQ(cmd.files, (std::vector<std::string>{"a.json", "b.json"}));
  EXPECT_EQ(cmd.options.bin_dir, "/opt/bin");
  EXPECT_EQ(cmd.options.registrator_override, "/x/reg");
  EXPECT_TRUE(cmd.options.keep_logs);
  EXPECT_TRUE(cmd.options.verbose);
}

TEST(Cli, BadUsageIsOneLineAndUsageWithStatus2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"frobnicate"}, {"run"}, {"run", "a.json", "--bin-dir"}, {"run", "a.json", "--colour"},
           {"validate", "a.json", "--keep-logs"}}) {
    const auto r = cli(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, HasSubstr("regsim: "));
    EXPECT_THAT(r.err, HasSubstr("usage: regsim run FILE..."));
  }
  EXPECT_THAT(cli({"run", "a.json", "--colour"}).err, HasSubstr("unknown option --colour"));
}

TEST(Cli, ParsesSimulateOptions) {
  const auto cmd = parse_command_line({"simulate", "--hosts", "100", "--containers=100", "--churn", "500/s",
                                       "--duration", "60s", "--settle", "5s", "--seed", "7", "--json", "s.json"});
  EXPECT_EQ(cmd.kind, CliCommand::Kind::simulate);
  EXPECT_EQ(cmd.simulation.hosts, 100);
  EXPECT_EQ(cmd.simulation.containers, 100);
  EXPECT_EQ(cmd.simulation.churn_per_second, 500);
  EXPECT_EQ(cmd.simulation.duration, Duration(60000));
  EXPECT_EQ(cmd.simulation.settle, Duration(5000));
  EXPECT_EQ(cmd.simulation.seed, 7u);
  EXPECT_EQ(cmd.reports.json, "s.json");
  EXPECT_EQ(parse_command_line({"simulate", "--churn", "20"}).simulation.churn_per_second, 20);
}

TEST(Cli, BadSimulateOptionsAreNamed) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"simulate", "--hosts", "0"}, "--hosts expects a whole number in 1..2000, got \"0\""},
      {{"simulate", "--hosts", "ten"}, "--hosts expects a whole number in 1..2000, got \"ten\""},
      {{"simulate", "--churn", "fast"}, "--churn expects a whole number in 1..1000000, got \"fast\""},
      {{"simulate", "--duration", "60"}, "--duration expects a duration like \"10s\" or \"500ms\", got \"60\""},
      {{"simulate", "x.json"}, "simulate takes no scenario files (got \"x.json\")"},
      {{"simulate", "--html", "r.html"}, "simulate writes only --json reports"},
      {{"run", "a.json", "--hosts", "3"}, "unknown option --hosts"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = cli(args);
    EXPECT_EQ(r.status, 2) << message;
    EXPECT_THAT(r.err, HasSubstr(message));
  }
}

TEST(Cli, NetnsIsAnOptionOfRunAndSimulateOnly) {
  EXPECT_TRUE(parse_command_line({"run", "--netns", "a.json"}).options.netns);
  EXPECT_FALSE(parse_command_line({"run", "a.json"}).options.netns);
  const auto sim = parse_command_line({"simulate", "--netns", "--hosts", "253"});
  EXPECT_TRUE(sim.options.netns);
  EXPECT_TRUE(sim.simulation.netns);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"simulate", "--netns", "--hosts", "254"}, "--netns supports at most 253 hosts (192.0.2.1-253), got --hosts 254"},
      {{"validate", "--netns", "a.json"}, "validate takes only scenario files"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = cli(args);
    EXPECT_EQ(r.status, 2) << message;
    EXPECT_THAT(r.err, HasSubstr(message));
  }
}

TEST(Cli, HelpGoesToStdout) {
  const auto r = cli({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("usage:"));
}

TEST(Cli, ValidateAcceptsTheSeedScenarios) {
  const auto r = cli({"validate", seed("seed-single-host.json").string(), seed("seed-multi-host.json").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ok    "));
}

TEST(Cli, InvalidScenarioStopsEverythingWithStatus2) {
  const auto bad = fs::temp_directory_path() / "regsim-cli-test-bad.json";
  std::ofstream(bad) << R"({"hosts": [{"name": "h"}], "steps": [{"action": "wait", "duration": "x"}]})";
  const auto r = cli({"run", bad.string(), "--bin-dir", "/nonexistent"});
  fs::remove(bad);
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("steps[0].duration: expected a duration"));
  EXPECT_EQ(r.out, "") << "nothing ran";
}

TEST(Cli, MissingProgramsAreNamedBeforeAnythingStarts) {
  const auto r = cli({"run", seed("seed-single-host.json").string(), "--bin-dir", "/nonexistent"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("fake-consul not found: /nonexistent/fake-consul (use --bin-dir DIR)"));
  EXPECT_THAT(r.err, HasSubstr("registrator for host1 not found: /nonexistent/registrator"));
}

TEST(RegistratorCommandLine, AddsHostnameAndIpUnlessGiven) {
  HostSpec host{"host1", "10.186.150.172", {"", {"-internal"}}, "", {}};
  EXPECT_EQ(registrator_args(host, "consul://127.0.0.1:8500"),
            (std::vector<std::string>{"-hostname=host1", "-ip=10.186.150.172", "-internal", "consul://127.0.0.1:8500"}));
  host.registrator.args = {"-ip", "1.2.3.4", "--hostname=other"};
  EXPECT_EQ(registrator_args(host, "consul://127.0.0.1:1"),
            (std::vector<std::string>{"-ip", "1.2.3.4", "--hostname=other", "consul://127.0.0.1:1"}));
}

TEST(RegistratorCommandLine, TheHostPartOfIdsIsTheScenariosOwnHostnameElseTheHostsName) {
  HostSpec host{"host1", "10.0.0.1", {"", {"-internal"}}, "", {}};
  EXPECT_EQ(registrator_hostname(host), "host1");
  host.registrator.args = {"-hostname=docker-01.prod", "-internal"};
  EXPECT_EQ(registrator_hostname(host), "docker-01.prod");
  host.registrator.args = {"--hostname", "edge", "-internal"};
  EXPECT_EQ(registrator_hostname(host), "edge");
  host.registrator.args = {"-hostname", "first", "-hostname=last"};
  EXPECT_EQ(registrator_hostname(host), "last") << "Go's flag package: the last one wins";
}

TEST(RegistratorCommandLine, TheRegistryUriFollowsTheScenariosBackend) {
  RegistrySpec registry;
  EXPECT_EQ(registry_uri(registry, "127.0.0.1:8500", ""), "consul://127.0.0.1:8500");
  registry = {RegistryBackend::etcd, "/services"};
  EXPECT_EQ(registry_uri(registry, "127.0.0.1:8500", "127.0.0.1:2379"), "etcd://127.0.0.1:2379/services");
  registry = {RegistryBackend::etcd, "services"};
  EXPECT_EQ(registry_uri(registry, "127.0.0.1:8500", "127.0.0.1:2379"), "etcd://127.0.0.1:2379/services");
  registry = {RegistryBackend::skydns2, "skydns.local"};
  EXPECT_EQ(registry_uri(registry, "127.0.0.1:8500", "127.0.0.1:2379"), "skydns2://127.0.0.1:2379/skydns.local");
}

TEST(RegistratorCommandLine, OverrideBeatsHostBinaryBeatsDefault) {
  HostSpec host{"host1", "", {"/custom/registrator", {}}, "", {}};
  RunOptions options;
  options.bin_dir = "/build/bin";
  EXPECT_EQ(registrator_binary(host, options), "/custom/registrator");
  options.registrator_override = "/other/reg";
  EXPECT_EQ(registrator_binary(host, options), "/other/reg");
  host.registrator.binary.clear();
  options.registrator_override.clear();
  EXPECT_EQ(registrator_binary(host, options), "/build/bin/registrator");
}

}  // namespace
}  // namespace regsim
