#pragma once
// Side by side with a real Docker engine: Debian's dockerd runs in a network namespace this test
// creates, next to fake-docker speaking the same API version (1.41, dockerd 20.10's). The same
// docker CLI commands run against both; list, inspect and events must agree field by field,
// except the fields listed in kMayDiffer (ids, times, paths of the real daemon's directories).
// Then the registrator binary registers a container of the real engine in fake-consul.
// Everything the real engine does stays inside that namespace; the test removes it afterwards.
// This header holds the two engines and the comparison; the tests are in real_dockerd_*_test.cpp,
// one suite (SideBySide) sharing one pair of engines.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <regex>
#include <set>

#include "tests/support/test_helpers.hpp"
#include "tests/support/process/child.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace side_by_side {

inline constexpr const char* kDockerCli = "/usr/local/bin/docker";

using regtest::bin;

using Shell = test_support::RunResult;
using test_support::run_shell;

// Paths (".State.Pid", "[].Id", ".Actor.ID") whose values are per daemon: ids, clocks, pids and
// the real daemon's directories. Their presence and type must still match.
inline const std::vector<std::regex> kMayDiffer = [] {
  std::vector<std::regex> out;
  for (const char* p : {R"(^(\[\])?\.Id$)", R"(^\.Created$|^\[\]\.Created$)", R"(^\.Image$|\.ImageID$)",
                        R"(Path$)", R"(\.Config\.Hostname$)", R"(EndpointID$|NetworkID$|SandboxID$|SandboxKey$)",
                        R"(\.State\.(Pid|StartedAt|FinishedAt)$)", R"(^\.GraphDriver\.Data)", R"(^\[\]\.Status$)",
                        R"(^\.(id|time|timeNano)$|^\.Actor\.ID$)", R"(\.Actor\.Attributes\.container$)",
                        R"(\.MacAddress$)"})
    out.emplace_back(p);
  return out;
}();

inline bool may_differ(const std::string& path) {
  for (const auto& re : kMayDiffer)
    if (std::regex_search(path, re)) return true;
  return false;
}

// Flattens a document to path -> JSON type name / value; arrays of objects get "[]" (one shape).
inline void flatten(const json& j, const std::string& path, std::map<std::string, json>& out) {
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
inline std::vector<std::string> differences(const json& real, const json& fake) {
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

inline std::string join(const std::vector<std::string>& lines) {
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
inline void normalise(json& j) {
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

inline json api_get(const std::string& socket, const std::string& target) {
  auto r = run_shell("curl -sS --fail --unix-socket " + socket + " 'http://docker" + target + "'");
  if (r.exit_code != 0) throw std::runtime_error("GET " + target + " on " + socket + ": " + r.output);
  json doc = json::parse(r.output);
  normalise(doc);
  return doc;
}

inline std::vector<json> events_between(const std::string& socket, const std::string& since, const std::string& until) {
  auto r = run_shell("curl -sS --fail --unix-socket " + socket + " 'http://docker/v1.41/events?since=" + since + "&until=" +
              until + "'");
  std::vector<json> out;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

// The network events between since and until, and each as "Action name" for comparing engines.
inline std::vector<json> network_events_between(const std::string& socket, const std::string& since,
                                                const std::string& until) {
  std::vector<json> out;
  for (auto& e : events_between(socket, since, until))
    if (e.value("Type", "") == "network") out.push_back(std::move(e));
  return out;
}

inline std::vector<std::string> network_actions(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.value("Action", "") + " " + e["Actor"]["Attributes"].value("name", ""));
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
  static inline RealDockerd* real_ = nullptr;
  static inline FakeDockerd* fake_ = nullptr;
};

}  // namespace side_by_side
