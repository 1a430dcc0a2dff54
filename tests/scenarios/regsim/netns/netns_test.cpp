// regsim --netns end to end (root only; CI runs as root): shipped scenarios pass with every host
// in a network namespace of its own and registered at its 192.0.2.N address, a wrong registrator
// still fails naming the expectation, registrators really run in their host's namespace and
// reach the hub over the bridge, and no namespace outlives a run, a SIGTERM or a dead run.
#include <nlohmann/json.hpp>

#include "tests/scenarios/regsim/shipped_scenarios.hpp"
#include "tests/scenarios/regsim/test_paths.hpp"
#include "tests/support/process/child.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;
using regsim::test::bin_dir;
using regsim::test::source_dir;
using SteadyClock = std::chrono::steady_clock;

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "regsim-netns-test-XXXXXX").string();
    if (::mkdtemp(pattern.data())) path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

std::string read_file(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Polls `done` every 20 ms until it holds or `limit` passes.
template <typename Condition>
bool eventually(Condition done, std::chrono::seconds limit) {
  const auto deadline = SteadyClock::now() + limit;
  while (!done()) {
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// The namespaces a regsim process made (regsim-PID-*) that still exist.
std::vector<std::string> namespaces_of(pid_t pid) {
  std::vector<std::string> out;
  std::error_code ec;
  const std::string prefix = "regsim-" + std::to_string(pid) + "-";
  for (const auto& e : fs::directory_iterator("/run/netns", ec))
    if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path().filename().string());
  return out;
}

struct Finished {
  int status = -1;
  std::string output;
  pid_t pid = -1;
};

// Runs a program (regsim by default) to its end with TMPDIR in `dir`; the child is stopped if
// it runs longer or the test fails first (ChildProcess's destructor).
Finished run(const TempDir& dir, std::vector<std::string> args, std::string program = {},
             std::vector<std::pair<std::string, std::string>> env = {}) {
  const auto log = dir.path / ("run-" + std::to_string(SteadyClock::now().time_since_epoch().count()) + ".txt");
  env.emplace_back("TMPDIR", dir.path.string());
  args.insert(args.begin(), program.empty() ? (bin_dir() / "regsim").string() : program);
  test_support::Command command(args);
  for (const auto& [name, value] : env) command.env(name, value);
  test_support::ChildProcess child(command, test_support::Output::log_file(log));
  Finished f;
  f.pid = child.pid();
  f.status = child.wait_exit(std::chrono::seconds(400));
  f.output = read_file(log);
  return f;
}

std::string scenario(const std::string& name) { return (source_dir() / "scenarios" / name).string(); }

class Netns : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "--netns needs root";
    for (const char* program : {"regsim", "fake-docker", "fake-consul", "registrator", "registrator-broken"})
      ASSERT_TRUE(fs::exists(bin_dir() / program)) << program << " is not built in " << bin_dir();
  }
  TempDir dir_;
};

TEST_F(Netns, SeedMultiHostRegistersEachHostAtItsNamespaceAddressAndLeavesNoNamespace) {
  const auto report = dir_.path / "report.json";
  const auto r = run(dir_, {"run", "--netns", "--keep-logs", "--json", report.string(), scenario("seed-multi-host.json")});
  EXPECT_EQ(r.status, 0) << r.output;
  // The scenario declares 10.186.150.172/.173; with --netns those hosts are 192.0.2.1 and .2,
  // and DNS (regsim's c-ares client, over the hub's bridge) answers both.
  EXPECT_THAT(r.output, HasSubstr("PASS  dns A valami.service.dc1.consul: [192.0.2.1], as expected"));
  EXPECT_THAT(r.output, HasSubstr("PASS  dns A valami.service.dc1.consul: [192.0.2.1, 192.0.2.2], as expected"));
  EXPECT_THAT(r.output, HasSubstr("PASS  catalog valami: 2 entries as expected"));
  EXPECT_THAT(r.output, Not(HasSubstr("10.186.150.17")));
  // Each registrator ran in its own host's namespace with that namespace's address as -ip.
  const std::string ns = "regsim-" + std::to_string(r.pid) + "-";
  bool found_logs = false;
  for (const auto& e : fs::directory_iterator(dir_.path))
    if (fs::exists(e.path() / "host1" / "registrator.cmd")) {
      found_logs = true;
      EXPECT_THAT(read_file(e.path() / "host1" / "registrator.cmd"),
                  HasSubstr("nsenter --net=/run/netns/" + ns + "0 "));
      EXPECT_THAT(read_file(e.path() / "host1" / "registrator.cmd"), HasSubstr("-ip=192.0.2.1 consul://192.0.2.254:"));
      EXPECT_THAT(read_file(e.path() / "host2" / "registrator.cmd"), HasSubstr("-ip=192.0.2.2 consul://192.0.2.254:"));
    }
  EXPECT_TRUE(found_logs) << "--keep-logs kept no registrator.cmd";
  EXPECT_THAT(namespaces_of(r.pid), ::testing::IsEmpty());
}

TEST_F(Netns, ExpectationsNamingHostAddressesFollowTheMapping) {
  // host1 declares an ip: it becomes 192.0.2.1 in -ip and in what the scenario expects. host2
  // passes its own -ip: it keeps it. The literal 192.0.2.1 shows what the catalog really holds.
  const auto file = dir_.path / "mapping.json";
  std::ofstream(file) << R"({"images": {"web": {"ExposedPorts": {"80/tcp": {}}}},
    "hosts": [{"name": "host1", "ip": "10.9.9.9"},
              {"name": "host2", "ip": "10.8.8.8", "registrator": {"args": ["-ip=10.7.7.7"]}}],
    "steps": [
      {"action": "run", "host": "host1", "name": "web1", "image": "web", "publish": ["8080:80"], "env": {"SERVICE_NAME": "web"}},
      {"action": "run", "host": "host2", "name": "web2", "image": "web", "publish": ["8080:80"], "env": {"SERVICE_NAME": "web"}},
      {"action": "expect", "catalog": "web", "entries": [
        {"ServiceID": "host1:web1:80", "ServiceAddress": "10.9.9.9", "ServicePort": 8080},
        {"ServiceID": "host2:web2:80", "ServiceAddress": "10.7.7.7", "ServicePort": 8080}]},
      {"action": "expect", "catalog": "web", "match": "contains", "entries": [{"ServiceAddress": "192.0.2.1"}]},
      {"action": "expect", "dns": "web.service.dc1.consul", "answers": ["10.9.9.9", "10.7.7.7"]}]})";
  const auto r = run(dir_, {"run", "--netns", file.string()});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASS  dns A web.service.dc1.consul: [10.7.7.7, 192.0.2.1], as expected"));
  EXPECT_THAT(r.output, HasSubstr("3 passed, 0 failed"));
}

TEST_F(Netns, BrokenRegistratorFailsNamingTheExpectation) {
  const auto r = run(dir_, {"run", "--netns", "--registrator", (bin_dir() / "registrator-broken").string(),
                            scenario("seed-multi-host.json")});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAIL  catalog valami within 5s: entry ServiceID=host1:web5:80: ServicePort expected 7680, got 7681"));
  EXPECT_THAT(r.output, HasSubstr("\nFAIL\n"));
  EXPECT_THAT(namespaces_of(r.pid), ::testing::IsEmpty());
}

// Each shipped scenario is a test of its own (Netns/EveryShippedScenario.PassesWithNetns/<file
// stem>), one regsim run each. They hold the netns RESOURCE_LOCK like every test here, so ctest
// runs them one at a time. They would be safe side by side (a run's namespaces are named after
// its pid and its veths live in its own hub), but not next to
// LeftoversOfADeadRunAreRemovedAndALiveRunsAreKept: any --netns run sweeps the dead run's
// namespace that test plants, and the message it expects then goes to the other run.
class EveryShippedScenario : public Netns, public ::testing::WithParamInterface<regsim::test::ShippedScenario> {};

INSTANTIATE_TEST_SUITE_P(Netns, EveryShippedScenario, ::testing::ValuesIn(regsim::test::shipped_scenarios()),
                         regsim::test::scenario_test_name);

// The scenario directory is where the tests think it is, and holds the scenarios.
TEST_F(Netns, ShippedScenariosAreFound) {
  EXPECT_GE(regsim::test::shipped_scenarios().size(), 8u) << "scenarios/*.json in " << source_dir();
}

TEST_P(EveryShippedScenario, PassesWithNetns) {
  const std::string file = GetParam().file.string();
  const auto r = run(dir_, {"run", "--netns", file});
  EXPECT_EQ(r.status, 0) << file << "\n" << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("FAIL  "))) << file << "\n" << r.output;
  // One scenario: the summary has no "(N scenarios, M failed)".
  EXPECT_THAT(r.output, ::testing::ContainsRegex(" passed, 0 failed\nPASS\n$")) << file << "\n" << r.output;
  EXPECT_THAT(namespaces_of(r.pid), ::testing::IsEmpty()) << file;
}

ino_t inode_of(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

// Children of `parent` whose command line contains `needle`.
std::vector<pid_t> children_of(pid_t parent, const std::string& needle) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::istringstream stat(read_file(e.path() / "stat"));
    std::string pid, comm, state;
    pid_t ppid = 0;
    stat >> pid >> comm >> state >> ppid;
    auto cmdline = read_file(e.path() / "cmdline");
    for (auto& c : cmdline)
      if (c == '\0') c = ' ';
    if (ppid == parent && cmdline.find(needle) != std::string::npos) out.push_back(std::stoi(name));
  }
  return out;
}

std::string command_output(const std::string& command) { return test_support::run_shell(command).output; }

// Mid-run: regsim, fake-consul and each registrator sit in the namespaces they should, a host
// resolves another host's service over the bridge, no namespace has a way out; then SIGTERM
// takes everything down (exit 130) and no namespace is left.
TEST_F(Netns, HostsReachTheHubOverTheBridgeAndSigtermRemovesEveryNamespace) {
  const auto file = dir_.path / "long.json";
  std::ofstream(file) << R"({"images": {"web": {"ExposedPorts": {"80/tcp": {}}}}, "consul": {"agent_per_host": true},
    "hosts": [{"name": "host1", "ip": "10.0.0.1"}, {"name": "host2", "ip": "10.0.0.2"}],
    "steps": [
      {"action": "run", "host": "host1", "name": "web1", "image": "web", "publish": ["8080:80"], "env": {"SERVICE_NAME": "web"}},
      {"action": "wait_for", "catalog": "web", "entries": [{"ServiceAddress": "10.0.0.1", "ServicePort": 8080}]},
      {"action": "wait", "duration": "2m"}]})";
  const auto log = dir_.path / "long.txt";
  test_support::ChildProcess child(
      test_support::Command{(bin_dir() / "regsim").string(), "run", "--netns", file.string()}.env("TMPDIR",
                                                                                                  dir_.path.string()),
      test_support::Output::log_file(log));
  const pid_t pid = child.pid();
  // regsim's stdout is a file (block-buffered), so readiness is read from its log directory:
  // both registrators started (their command files are written just before).
  fs::path log_dir;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& e : fs::directory_iterator(dir_.path))
          if (fs::exists(e.path() / "host2" / "registrator.cmd")) log_dir = e.path();
        return !child.running() || !log_dir.empty();
      },
      std::chrono::seconds(60)));
  ASSERT_TRUE(child.running()) << read_file(log);
  const std::string ns = "regsim-" + std::to_string(pid) + "-";
  EXPECT_THAT(namespaces_of(pid), ::testing::UnorderedElementsAre(ns + "hub", ns + "0", ns + "1"));

  const auto hub = inode_of("/run/netns/" + ns + "hub");
  ASSERT_NE(hub, 0u);
  EXPECT_EQ(inode_of("/proc/" + std::to_string(pid) + "/ns/net"), hub) << "regsim runs in the hub";
  const auto consul = children_of(pid, "fake-consul");
  ASSERT_EQ(consul.size(), 1u);
  EXPECT_EQ(inode_of("/proc/" + std::to_string(consul[0]) + "/ns/net"), hub) << "fake-consul runs in the hub";
  std::vector<pid_t> started{consul[0]};
  for (const auto& [host, index] : {std::pair{"host1", "0"}, std::pair{"host2", "1"}}) {
    const auto registrator = children_of(pid, std::string("-hostname=") + host);
    ASSERT_EQ(registrator.size(), 1u) << host;
    started.push_back(registrator[0]);
    EXPECT_EQ(inode_of("/proc/" + std::to_string(registrator[0]) + "/ns/net"), inode_of("/run/netns/" + ns + index))
        << host << "'s registrator runs in its host's namespace";
    EXPECT_EQ(command_output("ip -n " + ns + index + " route show default"), "") << "no way out of " << host;
  }
  EXPECT_EQ(command_output("ip -n " + ns + "hub route show default"), "") << "no way out of the hub";

  // host2 asks fake-consul's DNS (in the hub) for host1's service, over the bridge, until
  // host1's registrator has registered it.
  const auto dns = nlohmann::json::parse(read_file(log_dir / "fake-consul.ready")).at("dns").get<std::string>();
  ASSERT_TRUE(dns.starts_with("192.0.2.254:")) << dns;
  const auto dig = "nsenter --net=/run/netns/" + ns + "1 dig +short +time=1 +tries=1 @192.0.2.254 -p " +
                   dns.substr(dns.find(':') + 1) + " web.service.dc1.consul A";
  std::string answer;
  eventually([&] { return (answer = command_output(dig)) == "192.0.2.1\n"; }, std::chrono::seconds(30));
  EXPECT_EQ(answer, "192.0.2.1\n");

  // Each host's Consul agent listens at the host's own address inside the host's namespace
  // (192.0.2.1 exists nowhere else): its registrator talks to it locally, host2 reaches it
  // over the bridge.
  const auto agents = nlohmann::json::parse(read_file(log_dir / "fake-consul.ready")).at("agents");
  const auto agent1 = agents.at("host1").get<std::string>();
  ASSERT_TRUE(agent1.starts_with("192.0.2.1:")) << agents.dump();
  EXPECT_THAT(read_file(log_dir / "host1" / "registrator.cmd"), HasSubstr(" consul://" + agent1 + "\n"));
  EXPECT_THAT(command_output("nsenter --net=/run/netns/" + ns + "1 curl -sS --max-time 5 http://" + agent1 +
                             "/v1/agent/self"),
              HasSubstr("\"NodeName\":\"host1\""));

  ASSERT_TRUE(child.signal(SIGTERM));
  ASSERT_TRUE(eventually([&] { return !child.running(); }, std::chrono::seconds(30)));
  EXPECT_EQ(child.exit_description(), "exited with status 130");
  EXPECT_THAT(read_file(log), HasSubstr("interrupted"));
  EXPECT_THAT(namespaces_of(pid), ::testing::IsEmpty());
  for (const pid_t p : started) EXPECT_FALSE(fs::exists("/proc/" + std::to_string(p))) << "process " << p << " still runs";
}

TEST_F(Netns, LeftoversOfADeadRunAreRemovedAndALiveRunsAreKept) {
  // A pid that no longer runs, and this test's own (alive) pid.
  pid_t dead = -1;
  {
    test_support::ChildProcess exited({"/bin/true"});
    ASSERT_EQ(exited.wait_exit(std::chrono::seconds(10)), 0);
    dead = exited.pid();
  }  // reaped: nothing runs under that pid now
  const std::string stale = "regsim-" + std::to_string(dead) + "-hub";
  const std::string alive = "regsim-" + std::to_string(::getpid()) + "-hub";
  ASSERT_EQ(test_support::run_shell("ip netns add " + stale + " && ip netns add " + alive).exit_code, 0);
  const auto r = run(dir_, {"run", "--netns", scenario("seed-multi-host.json")});
  const bool alive_kept = fs::exists("/run/netns/" + alive);
  test_support::run_shell("ip netns del " + alive + " 2>/dev/null; ip netns del " + stale + " 2>/dev/null");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("regsim: removed network namespace " + stale + " left behind by an earlier run"));
  EXPECT_THAT(r.output, Not(HasSubstr(alive)));
  EXPECT_TRUE(alive_kept) << "a namespace of a live process was removed";
  EXPECT_FALSE(fs::exists("/run/netns/" + stale));
}

TEST_F(Netns, SimulateConvergesWithNothingLostOrStale) {
  const auto report = dir_.path / "sim.json";
  const auto r = run(dir_, {"simulate", "--netns", "--hosts", "10", "--containers", "10", "--churn", "50/s",
                            "--duration", "2s", "--json", report.string()});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("11 network namespaces in"));
  const auto json = nlohmann::json::parse(read_file(report));
  EXPECT_EQ(json["netns"], true);
  EXPECT_EQ(json["converged"], true);
  EXPECT_EQ(json["lost"], 0);
  EXPECT_EQ(json["stale"], 0);
  EXPECT_EQ(json["duplicated"], 0);
  EXPECT_EQ(json["misplaced"], 0);
  EXPECT_EQ(json["running"], json["registered"]);
  EXPECT_GE(json["running"].get<int>(), 90);
  EXPECT_THAT(namespaces_of(r.pid), ::testing::IsEmpty());
}

TEST_F(Netns, RefusesWithoutRootOrWithoutIp) {
  const auto as_nobody = run(dir_, {"--reuid=65534", "--regid=65534", "--clear-groups", (bin_dir() / "regsim").string(),
                                    "run", "--netns", scenario("seed-multi-host.json")},
                             "/usr/bin/setpriv");
  EXPECT_EQ(as_nobody.status, 2) << as_nobody.output;
  EXPECT_THAT(as_nobody.output, HasSubstr("regsim: --netns needs root"));
  EXPECT_THAT(namespaces_of(as_nobody.pid), ::testing::IsEmpty());

  const auto no_ip = run(dir_, {"simulate", "--netns", "--hosts", "2"}, {}, {{"PATH", dir_.path.string()}});
  EXPECT_EQ(no_ip.status, 2) << no_ip.output;
  EXPECT_THAT(no_ip.output, HasSubstr("regsim: --netns needs iproute2's `ip` on PATH"));

  const auto too_many = run(dir_, {"simulate", "--netns", "--hosts", "254"});
  EXPECT_EQ(too_many.status, 2) << too_many.output;
  EXPECT_THAT(too_many.output, HasSubstr("--netns supports at most 253 hosts"));
}

}  // namespace
