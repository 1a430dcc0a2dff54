// regsim run --consul: scenarios against a Consul agent regsim did not start. Here the "foreign"
// agent is a fake-consul the test starts itself (no real Consul on this machine); regsim must use
// it, not start its own, clean up after itself, and refuse what only its own fake can do.
#include "scenarios/regsim/cli.hpp"
#include "scenarios/regsim/processes/external_consul.hpp"
#include "scenarios/regsim/processes/ready_file.hpp"
#include "scenarios/regsim/language/scenario_loader.hpp"

#include "fakes/common/http/client.hpp"

#include "tests/scenarios/regsim/run_command.hpp"
#include "tests/scenarios/regsim/test_paths.hpp"
#include "tests/support/process/child.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace regsim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using boost::beast::http::verb;
namespace fs = std::filesystem;

using regsim::test::bin_dir;
using regsim::test::run_command;
using regsim::test::source_dir;

TEST(ExternalConsul, ParsesHostPort) {
  const auto ep = parse_host_port("127.0.0.1:8500");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 8500);
  EXPECT_EQ(parse_host_port("[::1]:8500")->host, "::1");
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", ":8500", "h:0", "h:65536", "h:85x"})
    EXPECT_FALSE(parse_host_port(bad)) << bad;
}

TEST(ExternalConsul, NamesEveryStepOnlyTheFakeCanDo) {
  const auto s = load_scenario_text(R"({"consul": {"datacenters": ["dc1", "dc2"], "agent_per_host": true},
      "hosts": [{"name": "host1"}],
      "steps": [
        {"action": "consul_check", "check": "service:x", "status": "passing"},
        {"action": "consul_fault", "method": "PUT", "path": "/v1/agent/service/register", "status": 500},
        {"action": "restart_consul"},
        {"action": "consul_lose_state"}]})",
                                    "x.json");
  const auto problems = external_consul_problems(s);
  EXPECT_THAT(problems, ::testing::ElementsAre(
                            HasSubstr("consul.datacenters: several datacenters"),
                            HasSubstr("consul.agent_per_host"),
                            "steps[1] (consul_fault) needs fake-consul's /_fake/ control API",
                            "steps[2] (restart_consul) needs fake-consul's /_fake/ control API",
                            "steps[3] (consul_lose_state) needs fake-consul's /_fake/ control API"));
  const auto plain = load_scenario(source_dir() / "scenarios" / "seed-single-host.json");
  EXPECT_TRUE(external_consul_problems(plain).empty());
}

TEST(ExternalConsul, FootprintIsTheHostsIdsAndTheSeededOnes) {
  const auto s = load_scenario_text(R"({"hosts": [{"name": "host1"}, {"name": "h2", "registrator": {"args": ["-hostname", "edge"]}}],
      "steps": [
        {"action": "consul_register", "registration": {"ID": "external-db", "Name": "db", "Port": 1}},
        {"action": "consul_register", "registration": {"Name": "cache", "Port": 2}},
        {"action": "consul_register", "registration": {"ID": "{{hostname host1}}:ghost:80", "Name": "web", "Port": 3}}]})",
                                    "f.json");
  const auto f = service_footprint(s);
  EXPECT_TRUE(f.covers("host1:web:80"));
  EXPECT_TRUE(f.covers("edge:web:80"));
  EXPECT_TRUE(f.covers("external-db"));
  EXPECT_TRUE(f.covers("cache")) << "Consul's default ID is the name";
  EXPECT_FALSE(f.covers("h2:web:80")) << "h2's registrator calls itself edge";
  EXPECT_FALSE(f.covers("external-db2"));
  EXPECT_FALSE(f.covers("host10:web:80"));
}

TEST(ExternalConsul, UsageErrorsNameTheFlag) {
  std::ostringstream out, err;
  EXPECT_EQ(run_cli({"run", "x.json", "--consul", "nope"}, out, err, false), 2);
  EXPECT_THAT(err.str(), HasSubstr("--consul expects HOST:PORT, e.g. 127.0.0.1:8500, got \"nope\""));
  err.str("");
  EXPECT_EQ(run_cli({"run", "x.json", "--consul-dns", "127.0.0.1:8600"}, out, err, false), 2);
  EXPECT_THAT(err.str(), HasSubstr("--consul-dns needs --consul"));
  err.str("");
  EXPECT_EQ(run_cli({"run", "x.json", "--consul", "127.0.0.1:8500", "--netns"}, out, err, false), 2);
  EXPECT_THAT(err.str(), HasSubstr("--consul and --netns exclude each other"));
  err.str("");
  EXPECT_EQ(run_cli({"simulate", "--consul", "127.0.0.1:8500"}, out, err, false), 2);
  EXPECT_THAT(err.str(), HasSubstr("unknown option --consul"));
}

// A fake-consul started by the test, standing in for an agent the user runs.
class ExternalConsulRun : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "regsim-external-XXXXXX").string();
    ASSERT_TRUE(::mkdtemp(pattern.data()));
    dir_ = pattern;
    agent_ = std::make_unique<test_support::ChildProcess>(
        test_support::Command{(bin_dir() / "fake-consul").string(), "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0",
                              "--node", "node1", "--ready-file", (dir_ / "ready").string()},
        test_support::Output::log_file(dir_ / "agent.log"));
    ASSERT_TRUE(agent_->wait_for_file(dir_ / "ready", std::chrono::seconds(10)));
    std::ifstream ready_file(dir_ / "ready");
    const auto ready = nlohmann::json::parse(ready_file);
    http_ = ready.at("http").get<std::string>();
    dns_ = ready.at("dns").get<std::string>();
    endpoint_ = *parse_host_port(http_);
  }
  void TearDown() override {
    agent_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string regsim(const std::string& args) {
    return (bin_dir() / "regsim").string() + " run " + args + " --consul " + http_ + " --consul-dns " + dns_;
  }
  int put(const std::string& target, const std::string& body = {}) {
    return fakes::http::fetch(endpoint_, verb::put, target, body, {}, std::chrono::seconds(5)).status;
  }
  nlohmann::json get(const std::string& target) {
    return nlohmann::json::parse(fakes::http::fetch(endpoint_, verb::get, target, {}, {}, std::chrono::seconds(5)).body);
  }

  fs::path dir_;
  std::unique_ptr<test_support::ChildProcess> agent_;
  std::string http_, dns_;
  fakes::http::Endpoint endpoint_;
};

TEST_F(ExternalConsulRun, ScenariosPassAgainstTheGivenAgentWhichIsLeftAsFound) {
  // A leftover of an earlier run (this host's) and a service that is none of regsim's business.
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID": "host1:stale:80", "Name": "valami", "Port": 1})"), 200);
  ASSERT_EQ(put("/v1/agent/service/register", R"({"ID": "keep-me", "Name": "other", "Port": 2})"), 200);

  const auto scenarios = source_dir() / "scenarios";
  const auto r = run_command(regsim((scenarios / "seed-single-host.json").string() + " " +
                                    (scenarios / "cleanup.json").string()));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("11 passed, 0 failed (2 scenarios, 0 failed)"));

  // Every registration went to this agent: its request log has them.
  const auto requests = get("/_fake/requests").dump();
  EXPECT_THAT(requests, HasSubstr("/v1/agent/service/register"));
  // What the runs registered is gone again; the foreign service stays.
  const auto services = get("/v1/agent/services");
  EXPECT_TRUE(services.contains("keep-me")) << services.dump();
  EXPECT_EQ(services.size(), 1u) << services.dump();
}

TEST_F(ExternalConsulRun, ABrokenRegistratorFailsNamingThePort) {
  const auto r = run_command(regsim((source_dir() / "scenarios" / "seed-single-host.json").string() +
                                    " --registrator " + (bin_dir() / "registrator-broken").string()));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("ServicePort expected 80, got 81"));
}

TEST_F(ExternalConsulRun, ScenariosThatNeedTheFakeAreRefusedBeforeAnythingStarts) {
  const auto r = run_command(regsim((source_dir() / "scenarios" / "consul-outage.json").string()));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("consul-outage.json: cannot run against --consul: steps[2] (consul_fault) needs "
                                  "fake-consul's /_fake/ control API"));
  EXPECT_THAT(get("/_fake/requests").dump(), Not(HasSubstr("/v1/agent/service/register")));
}

}  // namespace
}  // namespace regsim
