// Side by side with a real Docker engine: Debian's dockerd runs in a network namespace this test
// creates, next to fake-docker speaking the same API version (1.41, dockerd 20.10's). The same
// docker CLI commands run against both; list, inspect and events must agree field by field,
// except the fields listed in kMayDiffer (ids, times, paths of the real daemon's directories).
// Then the registrator binary registers a container of the real engine in fake-consul.
// Everything the real engine does stays inside that namespace; the test removes it afterwards.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <regex>
#include <set>

#include "tests/registrator/test_helpers.hpp"
#include "tests/support/process/child.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const char* kDockerCli = "/usr/local/bin/docker";

using regtest::bin;

using Shell = test_support::RunResult;
using test_support::run_shell;

// Paths (".State.Pid", "[].Id", ".Actor.ID") whose values are per daemon: ids, clocks, pids and
// the real daemon's directories. Their presence and type must still match.
const std::vector<std::regex> kMayDiffer = [] {
  std::vector<std::regex> out;
  for (const char* p : {R"(^(\[\])?\.Id$)", R"(^\.Created$|^\[\]\.Created$)", R"(^\.Image$|\.ImageID$)",
                        R"(Path$)", R"(\.Config\.Hostname$)", R"(EndpointID$|NetworkID$|SandboxID$|SandboxKey$)",
                        R"(\.State\.(Pid|StartedAt|FinishedAt)$)", R"(^\.GraphDriver\.Data)", R"(^\[\]\.Status$)",
                        R"(^\.(id|time|timeNano)$|^\.Actor\.ID$)", R"(\.Actor\.Attributes\.container$)",
                        R"(\.MacAddress$)"})
    out.emplace_back(p);
  return out;
}();

bool may_differ(const std::string& path) {
  for (const auto& re : kMayDiffer)
    if (std::regex_search(path, re)) return true;
  return false;
}

// Flattens a document to path -> JSON type name / value; arrays of objects get "[]" (one shape).
void flatten(const json& j, const std::string& path, std::map<std::string, json>& out) {
  if (j.is_object()) {
    out[path] = "<object>";
    for (const auto& [k, v] : j.items()) flatten(v, path + "." + k, out);
  } else if (j.is_array() && !j.empty() && j.front().is_structured()) {
    out[path] = "<array>";
    for (const auto& v : j) flatten(v, path + "[]", out);
  } else {
    out[path] = j;
  }
}

// Every difference between the real document and the fake one, one line each.
std::vector<std::string> differences(const json& real, const json& fake) {
  std::map<std::string, json> r, f;
  flatten(real, "", r);
  flatten(fake, "", f);
  std::vector<std::string> out;
  for (const auto& [path, value] : r) {
    auto it = f.find(path);
    if (it == f.end()) {
      out.push_back("missing in fake-docker: " + path + " (real: " + value.dump() + ")");
    } else if (!may_differ(path) && it->second != value) {
      out.push_back(path + ": real " + value.dump() + ", fake " + it->second.dump());
    } else if (it->second.type() != value.type()) {
      out.push_back(path + ": real type " + value.type_name() + ", fake type " + it->second.type_name());
    }
  }
  for (const auto& [path, value] : f)
    if (!r.count(path)) out.push_back("only in fake-docker: " + path + " = " + value.dump());
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

// dockerd in its own network namespace, with a busybox image imported.
class RealDockerd {
 public:
  RealDockerd() : dir_("real-dockerd") {
    netns_ = "regtest-" + std::to_string(::getpid());
    socket_ = (dir_.path() / "docker.sock").string();
    if (run_shell("ip netns add " + netns_).exit_code != 0) {
      error_ = "cannot create network namespace " + netns_ + " (needs root and iproute2)";
      return;
    }
    netns_made_ = true;
    const std::string d = dir_.path().string();
    dockerd_ = std::make_unique<test_support::ChildProcess>(
        test_support::Command{"/usr/bin/nsenter", "--net=/var/run/netns/" + netns_, "/usr/sbin/dockerd", "-H",
                                 "unix://" + socket_, "--data-root", d + "/data", "--exec-root", d + "/exec",
                                 "--pidfile", d + "/dockerd.pid", "--storage-driver=overlay2", "--ip6tables=false"},
        test_support::Output::log_file(d + "/dockerd.log"));
    if (auto up = dockerd_->wait_until([&] { return cli("version --format '{{.Server.APIVersion}}'").exit_code == 0; },
                                       60s, "dockerd answering `docker version`");
        !up) {
      error_ = "dockerd did not start:\n" + std::string(up.message());
      return;
    }
    // A tiny image: busybox-static and the applets the test runs.
    const std::string rootfs = d + "/rootfs";
    auto made = run_shell("mkdir -p " + rootfs + "/bin && cp /bin/busybox " + rootfs + "/bin/ && for a in sh sleep; do ln -s busybox " +
                   rootfs + "/bin/$a; done && tar -C " + rootfs + " -cf " + d + "/rootfs.tar . && DOCKER_HOST=unix://" +
                   socket_ + " " + kDockerCli + " import " + d + "/rootfs.tar tiny:1");
    if (made.exit_code != 0) error_ = "cannot import the busybox image: " + made.output;
  }
  ~RealDockerd() {
    if (dockerd_ && dockerd_->running()) {
      cli("rm -f $(DOCKER_HOST=unix://" + socket_ + " " + kDockerCli + " ps -aq) >/dev/null 2>&1");
      dockerd_->signal(SIGTERM);
      if (dockerd_->wait_exit(30s) == -1) dockerd_->kill();
    }
    // Whatever the daemon left mounted under its directories (overlay, netns files).
    run_shell("grep -o ' " + dir_.path().string() + "[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l");
    if (netns_made_) run_shell("ip netns del " + netns_);
  }
  Shell cli(const std::string& args) const {
    return run_shell("DOCKER_HOST=unix://" + socket_ + " " + kDockerCli + " " + args);
  }
  const std::string& socket() const { return socket_; }
  const std::string& error() const { return error_; }

 private:
  regtest::TempDir dir_;
  std::string netns_, socket_, error_;
  bool netns_made_ = false;
  std::unique_ptr<test_support::ChildProcess> dockerd_;
};

class FakeDockerd {
 public:
  FakeDockerd() : dir_("fake-dockerd-side") {
    socket_ = (dir_.path() / "docker.sock").string();
    const auto ready = dir_.path() / "ready.json";
    child_ = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("fake-docker"), "--socket", socket_, "--api-version", "1.41", "--ready-file",
                              ready.string()},
        test_support::Output::log_file(dir_.path() / "log.txt"));
    if (auto up = child_->wait_for_file(ready, 20s); !up) error_ = "fake-docker did not start: " + std::string(up.message());
  }
  Shell cli(const std::string& args) const { return run_shell("DOCKER_HOST=unix://" + socket_ + " " + kDockerCli + " " + args); }
  const std::string& socket() const { return socket_; }
  const std::string& error() const { return error_; }

 private:
  regtest::TempDir dir_;
  std::string socket_, error_;
  std::unique_ptr<test_support::ChildProcess> child_;
};

// Differences that come from the environment, not from fake-docker:
//  * the docker CLI 28 sends `-e` variables in Go map order, a different order per run: Env is
//    compared as a sorted list;
//  * the engine lists a summary's Ports in Go map order: compared sorted;
//  * the real engine runs in a namespace without IPv6, so it reports no `::` port bindings,
//    which fake-docker reports as an engine on a dual-stack host does: they are dropped.
void normalise(json& j) {
  if (j.is_object()) {
    if (auto it = j.find("Env"); it != j.end() && it->is_array()) {
      std::vector<std::string> env = it->get<std::vector<std::string>>();
      std::sort(env.begin(), env.end());
      *it = env;
    }
    for (auto& [k, v] : j.items()) normalise(v);
    if (auto it = j.find("Ports"); it != j.end() && it->is_array()) {
      std::sort(it->begin(), it->end(), [](const json& a, const json& b) { return a.dump() < b.dump(); });
    }
  } else if (j.is_array()) {
    json kept = json::array();
    for (auto& v : j) {
      const bool v6_binding = v.is_object() && ((v.contains("HostIp") && v["HostIp"] == "::") || (v.contains("IP") && v["IP"] == "::"));
      if (v6_binding) continue;
      normalise(v);
      kept.push_back(v);
    }
    j = kept;
  }
}

json api_get(const std::string& socket, const std::string& target) {
  auto r = run_shell("curl -sS --fail --unix-socket " + socket + " 'http://docker" + target + "'");
  if (r.exit_code != 0) throw std::runtime_error("GET " + target + " on " + socket + ": " + r.output);
  json doc = json::parse(r.output);
  normalise(doc);
  return doc;
}

std::vector<json> events_between(const std::string& socket, const std::string& since, const std::string& until) {
  auto r = run_shell("curl -sS --fail --unix-socket " + socket + " 'http://docker/v1.41/events?since=" + since + "&until=" +
              until + "'");
  std::vector<json> out;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

class SideBySide : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    real_ = new RealDockerd();
    fake_ = new FakeDockerd();
  }
  static void TearDownTestSuite() {
    delete real_;
    delete fake_;
  }
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kDockerCli)) << "docker CLI missing at " << kDockerCli << " (ci/bootstrap)";
    ASSERT_TRUE(real_->error().empty()) << real_->error();
    ASSERT_TRUE(fake_->error().empty()) << fake_->error();
  }
  // Runs the same CLI arguments on both; both must succeed.
  void both(const std::string& args) {
    auto r = real_->cli(args);
    auto f = fake_->cli(args);
    ASSERT_EQ(r.exit_code, 0) << "real: docker " << args << "\n" << r.output;
    ASSERT_EQ(f.exit_code, 0) << "fake: docker " << args << "\n" << f.output;
  }
  static RealDockerd* real_;
  static FakeDockerd* fake_;
};
RealDockerd* SideBySide::real_ = nullptr;
FakeDockerd* SideBySide::fake_ = nullptr;

TEST_F(SideBySide, ListInspectAndEventsAgreeFieldByField) {
  const std::string since = regtest::now_seconds_text();
  // A process that exits 143 on SIGTERM, as the fake models processes.
  both("run -d --name web1 -e SERVICE_NAME=web -e SERVICE_TAGS=a,b -l com.example.team=blue -p 8080:80 "
       "--expose 443 tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null");
  both("run -d --name db1 -P --expose 5432 tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null");

  const json real_inspect = api_get(real_->socket(), "/v1.41/containers/web1/json");
  const json fake_inspect = api_get(fake_->socket(), "/v1.41/containers/web1/json");
  EXPECT_EQ(differences(real_inspect, fake_inspect), std::vector<std::string>{})
      << "inspect of a running container differs:\n" << join(differences(real_inspect, fake_inspect));
  EXPECT_EQ(fake_inspect["NetworkSettings"]["IPAddress"], real_inspect["NetworkSettings"]["IPAddress"]);

  const json real_list = api_get(real_->socket(), "/v1.41/containers/json?filters=%7B%22name%22%3A%5B%22web1%22%5D%7D");
  const json fake_list = api_get(fake_->socket(), "/v1.41/containers/json?filters=%7B%22name%22%3A%5B%22web1%22%5D%7D");
  EXPECT_EQ(differences(real_list, fake_list), std::vector<std::string>{})
      << "container list differs:\n" << join(differences(real_list, fake_list));

  // -P: both allocate from the ephemeral range; the numbers themselves may differ.
  const json db_real = api_get(real_->socket(), "/v1.41/containers/db1/json")["NetworkSettings"]["Ports"]["5432/tcp"];
  const json db_fake = api_get(fake_->socket(), "/v1.41/containers/db1/json")["NetworkSettings"]["Ports"]["5432/tcp"];
  ASSERT_TRUE(db_real.is_array() && db_fake.is_array()) << db_real << " / " << db_fake;
  EXPECT_EQ(db_real.size(), db_fake.size());

  both("stop -t 5 web1 >/dev/null");
  both("kill db1 >/dev/null");
  const json real_stopped = api_get(real_->socket(), "/v1.41/containers/web1/json");
  const json fake_stopped = api_get(fake_->socket(), "/v1.41/containers/web1/json");
  EXPECT_EQ(real_stopped["State"]["ExitCode"], 143);
  EXPECT_EQ(differences(real_stopped, fake_stopped), std::vector<std::string>{})
      << "inspect of a stopped container differs:\n" << join(differences(real_stopped, fake_stopped));
  EXPECT_EQ(api_get(real_->socket(), "/v1.41/containers/db1/json")["State"]["ExitCode"],
            api_get(fake_->socket(), "/v1.41/containers/db1/json")["State"]["ExitCode"]);

  both("rename web1 web2");
  both("rm web2 >/dev/null");  // one at a time: the CLI removes several in parallel
  both("rm db1 >/dev/null");
  const std::string until = regtest::now_seconds_text();

  const auto real_events = events_between(real_->socket(), since, until);
  const auto fake_events = events_between(fake_->socket(), since, until);
  auto actions = [](const std::vector<json>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.value("Type", "") + " " + e.value("Action", ""));
    return out;
  };
  ASSERT_EQ(actions(fake_events), actions(real_events));
  for (std::size_t i = 0; i < real_events.size(); ++i) {
    EXPECT_EQ(differences(real_events[i], fake_events[i]), std::vector<std::string>{})
        << "event " << i << " (" << actions(real_events)[i] << ") differs:\n"
        << join(differences(real_events[i], fake_events[i]));
  }
}

// User-defined networks: create, run on one, connect and disconnect a container of the default
// bridge; inspect, the network's own inspect and the network events agree field by field, and
// refused operations fail with the engine's text.
TEST_F(SideBySide, UserDefinedNetworksAgreeFieldByField) {
  const std::string since = regtest::now_seconds_text();
  const std::string sleeper = "tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null";
  both("network create appnet >/dev/null");
  both("run -d --name onnet --network appnet " + sleeper);
  both("run -d --name joiner -p 8090:80 " + sleeper);
  both("network connect appnet joiner");
  // On a user-defined network API 1.41 lists the container's short ID as an alias: each engine
  // its own ID, so the alias is checked against it and then set aside.
  auto own_alias_checked = [](json doc) {
    json& aliases = doc["NetworkSettings"]["Networks"]["appnet"]["Aliases"];
    EXPECT_EQ(aliases, json::array({doc["Id"].get<std::string>().substr(0, 12)}));
    aliases = "<short id>";
    return doc;
  };
  for (const char* name : {"onnet", "joiner"}) {
    const json real = own_alias_checked(api_get(real_->socket(), std::string("/v1.41/containers/") + name + "/json"));
    const json fake = own_alias_checked(api_get(fake_->socket(), std::string("/v1.41/containers/") + name + "/json"));
    EXPECT_EQ(differences(real, fake), std::vector<std::string>{})
        << name << " on a user-defined network differs:\n" << join(differences(real, fake));
  }
  const json real_net = api_get(real_->socket(), "/v1.41/networks/appnet");
  const json fake_net = api_get(fake_->socket(), "/v1.41/networks/appnet");
  EXPECT_EQ(fake_net["IPAM"], real_net["IPAM"]) << "the same subnet and gateway";
  EXPECT_EQ(fake_net["Containers"].size(), real_net["Containers"].size());

  both("network disconnect appnet joiner");
  const json real_after = api_get(real_->socket(), "/v1.41/containers/joiner/json");
  const json fake_after = api_get(fake_->socket(), "/v1.41/containers/joiner/json");
  EXPECT_EQ(differences(real_after, fake_after), std::vector<std::string>{})
      << "after disconnect:\n" << join(differences(real_after, fake_after));

  // Refused: the same exit status and the same first line of the engine's message.
  auto first_line = [](const std::string& text) { return text.substr(0, text.find('\n')); };
  for (const std::string args : {"network connect appnet onnet", "network disconnect appnet nosuch",
                                 "network create appnet", "network rm nosuchnet"}) {
    const auto r = real_->cli(args);
    const auto f = fake_->cli(args);
    EXPECT_EQ(f.exit_code, r.exit_code) << args << "\nreal: " << r.output << "fake: " << f.output;
    EXPECT_EQ(first_line(f.output), first_line(r.output)) << args;
  }

  both("rm -f onnet >/dev/null");  // one at a time: the CLI removes several in parallel
  both("rm -f joiner >/dev/null");
  both("network rm appnet >/dev/null");
  const std::string until = regtest::now_seconds_text();
  std::vector<json> real_events, fake_events;
  for (const auto& e : events_between(real_->socket(), since, until))
    if (e.value("Type", "") == "network") real_events.push_back(e);
  for (const auto& e : events_between(fake_->socket(), since, until))
    if (e.value("Type", "") == "network") fake_events.push_back(e);
  auto actions = [](const std::vector<json>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.value("Action", "") + " " + e["Actor"]["Attributes"].value("name", ""));
    return out;
  };
  ASSERT_EQ(actions(fake_events), actions(real_events)) << "real: " << json(real_events).dump() << "\nfake: " << json(fake_events).dump();
  for (std::size_t i = 0; i < real_events.size(); ++i)
    EXPECT_EQ(differences(real_events[i], fake_events[i]), std::vector<std::string>{})
        << "network event " << i << " (" << actions(real_events)[i] << ") differs:\n"
        << join(differences(real_events[i], fake_events[i]));

  // A removed network's pool is not handed out again at once: the next network gets the next
  // pool on both (the fake used to run out of pools after 14 networks created and removed).
  both("network create reused >/dev/null");
  EXPECT_EQ(api_get(fake_->socket(), "/v1.41/networks/reused")["IPAM"],
            api_get(real_->socket(), "/v1.41/networks/reused")["IPAM"])
      << "the pool of a network created after one was removed";
  both("network rm reused >/dev/null");
}

// `--net container:<name>`: the joining container shares the other's network stack. Both
// engines show the mode with the other container's full ID (checked against each engine's own
// ID, then set aside), no networks and no ports of its own; the events agree.
TEST_F(SideBySide, ContainerNetworkModeAgreesFieldByField) {
  const std::string since = regtest::now_seconds_text();
  const std::string sleeper = "tiny:1 /bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait' >/dev/null";
  both("run -d --name netowner -p 8095:80 -e SERVICE_NAME=owner " + sleeper);
  // Ports of its own are refused, with the engine's text, and nothing is created.
  auto first_line = [](const std::string& text) { return text.substr(0, text.find('\n')); };
  for (const std::string ports : {"--expose 9000", "-p 9001:9000", "-P"}) {
    const std::string args = "run -d --name refused --net container:netowner " + ports + " " + sleeper;
    const auto r = real_->cli(args);
    const auto f = fake_->cli(args);
    EXPECT_EQ(f.exit_code, r.exit_code) << args << "\nreal: " << r.output << "fake: " << f.output;
    EXPECT_EQ(first_line(f.output), first_line(r.output)) << args;
    real_->cli("rm -f refused >/dev/null 2>&1");
    fake_->cli("rm -f refused >/dev/null 2>&1");
  }
  both("run -d --name sidecar --net container:netowner -e SERVICE_NAME=side " + sleeper);
  auto owner_id_checked = [](json doc, const json& owner) {
    EXPECT_EQ(doc["HostConfig"]["NetworkMode"], "container:" + owner["Id"].get<std::string>());
    doc["HostConfig"]["NetworkMode"] = "container:<owner id>";
    return doc;
  };
  const json real_owner = api_get(real_->socket(), "/v1.41/containers/netowner/json");
  const json fake_owner = api_get(fake_->socket(), "/v1.41/containers/netowner/json");
  const json real = owner_id_checked(api_get(real_->socket(), "/v1.41/containers/sidecar/json"), real_owner);
  const json fake = owner_id_checked(api_get(fake_->socket(), "/v1.41/containers/sidecar/json"), fake_owner);
  EXPECT_EQ(differences(real, fake), std::vector<std::string>{})
      << "a container in another's network namespace differs:\n" << join(differences(real, fake));

  const std::string filter = "/v1.41/containers/json?filters=%7B%22name%22%3A%5B%22sidecar%22%5D%7D";
  json real_list = api_get(real_->socket(), filter);
  json fake_list = api_get(fake_->socket(), filter);
  ASSERT_EQ(real_list.size(), 1u);
  ASSERT_EQ(fake_list.size(), 1u);
  for (auto* l : {&real_list, &fake_list}) (*l)[0]["HostConfig"]["NetworkMode"] = "container:<owner id>";
  EXPECT_EQ(differences(real_list, fake_list), std::vector<std::string>{})
      << "list entry differs:\n" << join(differences(real_list, fake_list));

  // Joining a stopped container fails at start, naming the other container by its ID.
  both("stop -t 5 netowner >/dev/null");
  const std::string late = "run -d --name late --net container:netowner " + sleeper;
  const auto r = real_->cli(late);
  const auto f = fake_->cli(late);
  EXPECT_EQ(f.exit_code, r.exit_code) << "real: " << r.output << "fake: " << f.output;
  const auto without_id = [&](const std::string& text, const json& owner) {
    std::string line = first_line(text);
    const auto at = line.find(owner["Id"].get<std::string>());
    return at == std::string::npos ? line : line.replace(at, 64, "<owner id>");
  };
  EXPECT_EQ(without_id(f.output, fake_owner), without_id(r.output, real_owner));
  both("rm -f late >/dev/null");
  both("rm -f sidecar >/dev/null");
  both("rm -f netowner >/dev/null");
  const std::string until = regtest::now_seconds_text();
  auto actions = [](const std::vector<json>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.value("Type", "") + " " + e.value("Action", ""));
    return out;
  };
  const auto real_events = events_between(real_->socket(), since, until);
  const auto fake_events = events_between(fake_->socket(), since, until);
  ASSERT_EQ(actions(fake_events), actions(real_events));
  for (std::size_t i = 0; i < real_events.size(); ++i)
    EXPECT_EQ(differences(real_events[i], fake_events[i]), std::vector<std::string>{})
        << "event " << i << " (" << actions(real_events)[i] << ") differs:\n"
        << join(differences(real_events[i], fake_events[i]));
}

// --state: what `docker inspect` prints on the real engine, loaded into a new fake-docker,
// inspects the same, field by field (with the allowances above; IDs and times now agree too).
TEST_F(SideBySide, AStateSnapshotOfTheRealEngineInspectsTheSame) {
  const std::vector<std::string> names = {"snap-web", "snap-db", "snap-job"};
  ASSERT_EQ(real_->cli("run -d --name snap-web -e SERVICE_NAME=web -l tier=front -p 8081:80 tiny:1 "
                       "/bin/sh -c 'sleep 1000' >/dev/null").exit_code, 0);
  ASSERT_EQ(real_->cli("run -d --name snap-db -P --expose 5432 tiny:1 /bin/sh -c 'sleep 1000' >/dev/null").exit_code, 0);
  EXPECT_EQ(real_->cli("run --name snap-job tiny:1 /bin/sh -c 'exit 3'").exit_code, 3);
  auto snapshot = real_->cli("inspect snap-web snap-db snap-job");
  ASSERT_EQ(snapshot.exit_code, 0) << snapshot.output;

  regtest::TempDir dir("fake-docker-state");
  std::ofstream(dir.path() / "host.json") << snapshot.output;
  const std::string socket = (dir.path() / "docker.sock").string();
  const auto ready = dir.path() / "ready.json";
  test_support::ChildProcess restored({bin("fake-docker"), "--socket", socket, "--api-version", "1.41", "--state",
                                       (dir.path() / "host.json").string(), "--ready-file", ready.string()},
                                      test_support::Output::log_file(dir.path() / "log.txt"));
  ASSERT_TRUE(restored.wait_for_file(ready, 20s));
  for (const auto& name : names) {
    const json real = api_get(real_->socket(), "/v1.41/containers/" + name + "/json");
    const json fake = api_get(socket, "/v1.41/containers/" + name + "/json");
    EXPECT_EQ(fake["Id"], real["Id"]);
    EXPECT_EQ(fake["State"]["Status"], real["State"]["Status"]) << name;
    EXPECT_EQ(differences(real, fake), std::vector<std::string>{})
        << "restored " << name << " differs:\n" << join(differences(real, fake));
  }
  for (const auto& name : names) real_->cli("rm -f " + name + " >/dev/null");
}

TEST_F(SideBySide, RegistratorRegistersAContainerOfTheRealEngine) {
  regtest::TempDir dir("real-dockerd-registrator");
  const auto ready = dir.path() / "consul.ready";
  test_support::ChildProcess consul({bin("fake-consul"), "--http", "127.0.0.1:0", "--ready-file", ready.string()},
                                    test_support::Output::log_file(dir.path() / "consul.log"));
  ASSERT_TRUE(consul.wait_for_file(ready, 20s));
  const std::string consul_addr = json::parse(regtest::read_text(ready))["http"];

  ASSERT_EQ(real_->cli("run -d --name api1 -e SERVICE_NAME=api -e SERVICE_CHECK_TTL=30s -p 9090:80 tiny:1 "
                       "/bin/sh -c 'trap \"exit 143\" TERM; sleep 1000 & wait'").exit_code,
            0);
  test_support::ChildProcess registrator(
      test_support::Command{bin("registrator"), "-hostname", "host1", "-ip", "192.0.2.10", "consul://" + consul_addr}
          .env("DOCKER_HOST", "unix://" + real_->socket()),
      test_support::Output::log_file(dir.path() / "registrator.log"));

  auto instances = [&] {
    auto r = run_shell("curl -sS http://" + consul_addr + "/v1/catalog/service/api");
    return r.exit_code == 0 ? json::parse(r.output) : json::array();
  };
  ASSERT_TRUE(regtest::eventually([&] { return instances().size() == 1; }, 20s))
      << regtest::read_text(dir.path() / "registrator.log");
  const json entry = instances()[0];
  EXPECT_EQ(entry["ServiceID"], "host1:api1:80");
  EXPECT_EQ(entry["ServicePort"], 9090);
  EXPECT_EQ(entry["ServiceAddress"], "192.0.2.10");

  // The real engine's stop → die event deregisters it.
  ASSERT_EQ(real_->cli("stop -t 5 api1").exit_code, 0);
  EXPECT_TRUE(regtest::eventually([&] { return instances().empty(); }, 20s))
      << regtest::read_text(dir.path() / "registrator.log");
  real_->cli("rm -f api1");
}

}  // namespace
