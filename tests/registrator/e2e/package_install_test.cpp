// The Debian packages installed on this machine as an admin installs them (apt-get install
// ./registrator_*.deb), then purged; the machine is left as it was found (root; the test refuses
// to run where a registrator package is installed already). With no systemd as PID 1 here, the
// unit is checked by systemd-analyze verify and its ExecStart is run as systemd would run it: the
// unit's EnvironmentFile read, $VAR and ${VAR} expanded, a clean environment, SIGTERM to stop.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/registrator/e2e/built_packages.hpp"
#include "tests/registrator/e2e/installed_package.hpp"
#include "tests/registrator/e2e/systemd_exec.hpp"
#include "tests/support/process/child.hpp"
#include "tests/support/process/fake_consul_process.hpp"
#include "tests/support/registrator/docker_request.hpp"
#include "tests/support/test_helpers.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// systemd's PATH for services; nothing else of the test's environment reaches the service.
constexpr const char* kServicePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

class PackageInstall : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) FAIL() << "installing a package needs root";
    const auto packages = regtest::built_packages();
    ASSERT_TRUE(packages.problem.empty()) << packages.problem;
    registrator_deb = packages.registrator_deb;
    harness_deb = packages.harness_deb;
  }

  regtest::TempDir dir{"reg-install"};
  std::string registrator_deb;
  std::string harness_deb;
};

TEST_F(PackageInstall, RegistratorInstallsItsUnitsExecStartRegistersAndStopsOnSigtermAndPurgeLeavesNothing) {
  regtest::InstalledPackages packages({registrator_deb});
  ASSERT_TRUE(packages.ready());
  ASSERT_TRUE(packages.install());
  const std::string unit_path = "/lib/systemd/system/registrator.service";
  ASSERT_TRUE(fs::exists("/etc/default/registrator")) << "the conffile";

  // systemd's checker on the installed unit (the host's units beside it, its binary in /usr/bin).
  const auto verified = test_support::run({"systemd-analyze", "verify", "--man=no", unit_path});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_EQ(verified.output.find("registrator.service:"), std::string::npos) << verified.output;

  // A Docker engine with one running container and a Consul agent, on paths and ports of this test.
  const std::string docker_socket = (dir.path() / "docker.sock").string();
  const fs::path ready = dir.path() / "docker.ready";
  test_support::ChildProcess fake_docker(
      {regtest::bin("fake-docker"), "--socket", docker_socket, "--ready-file", ready.string()},
      test_support::Output::log_file(dir.path() / "docker.log"));
  ASSERT_TRUE(fake_docker.wait_for_file(ready, 20s));
  ASSERT_EQ(regtest::docker_request(docker_socket, "POST", "/v1.47/containers/create?name=web1",
                                    R"({"Image":"web","ExposedPorts":{"80/tcp":{}}})")
                .status,
            201u);
  ASSERT_EQ(regtest::docker_request(docker_socket, "POST", "/v1.47/containers/web1/start").status, 204u);
  regtest::FakeConsulProcess consul;

  // The admin's edit of the settings file the unit names (two options in one variable: the unit
  // must split $REGISTRATOR_OPTS into separate arguments).
  const std::string unit = regtest::read_text(unit_path);
  std::string env_file = regtest::systemd::service_key(unit, "EnvironmentFile").value_or("");
  if (env_file.starts_with("-")) env_file.erase(0, 1);
  ASSERT_EQ(env_file, "/etc/default/registrator");
  {
    std::ofstream out(env_file, std::ios::trunc);
    out << "# written by " << ::testing::UnitTest::GetInstance()->current_test_info()->name() << "\n"
        << "DOCKER_HOST=unix://" << docker_socket << "\n"
        << "REGISTRY_URI=consul://" << consul.http_address() << "\n"
        << "REGISTRATOR_OPTS=\"-internal -hostname pkg-host\"\n";
  }
  const auto env = regtest::systemd::read_environment_file(regtest::read_text(env_file));
  const auto exec = regtest::systemd::expand_exec_start(regtest::systemd::service_key(unit, "ExecStart").value_or(""), env);
  ASSERT_FALSE(exec.empty()) << unit;
  EXPECT_EQ(exec.front(), "/usr/bin/registrator");

  std::vector<std::string> argv{"env", "-i", std::string("PATH=") + kServicePath};
  for (const auto& [key, value] : env) argv.push_back(key + "=" + value);
  argv.insert(argv.end(), exec.begin(), exec.end());
  test_support::ChildProcess service(test_support::Command(argv),
                                     test_support::Output::log_file(dir.path() / "service.log"));
  json instances;
  EXPECT_TRUE(service.wait_until(
      [&] {
        const auto r = consul.get("/v1/catalog/service/web");
        instances = json::parse(r.body, nullptr, false);
        return r.status == 200 && instances.is_array() && instances.size() == 1 &&
               instances[0].value("ServiceID", "") == "pkg-host:web1:80";
      },
      20s, "web1 registered as pkg-host:web1:80"))
      << "catalog: " << instances.dump() << "\n" << service.output_tail();

  // systemctl stop: SIGTERM (KillSignal=), then SIGKILL after TimeoutStopSec.
  EXPECT_EQ(regtest::systemd::service_key(unit, "KillSignal").value_or("SIGTERM"), "SIGTERM");
  const auto timeout = regtest::systemd::timeout_stop(unit);
  ASSERT_TRUE(service.signal(SIGTERM));
  EXPECT_EQ(service.wait_exit(timeout), 0) << "within TimeoutStopSec (" << timeout.count() << " s):\n"
                                           << service.output_tail();

  packages.purge_and_expect_no_trace();
  EXPECT_FALSE(fs::exists("/etc/default/registrator")) << "purge removes the edited conffile";
}

TEST_F(PackageInstall, HarnessInstallsBesideRegistratorItsProgramsRunFromUsrBinAndPurgeLeavesNothing) {
  // Both at once: one dpkg transaction, which fails if the two packages share a file.
  regtest::InstalledPackages packages({registrator_deb, harness_deb});
  ASSERT_TRUE(packages.ready());
  ASSERT_TRUE(packages.install());

  for (const char* program : {"/usr/bin/fake-consul", "/usr/bin/fake-docker", "/usr/bin/regsim"}) {
    const auto help = test_support::run({program, "--help"});
    EXPECT_EQ(help.exit_code, 0) << program << ":\n" << help.output;
    EXPECT_TRUE(help.output.starts_with("usage: " + fs::path(program).filename().string())) << help.output;
  }
  // The shipped scenarios, replayed by the installed regsim with the installed fakes and registrator
  // (regsim finds them beside itself in /usr/bin).
  const std::string scenarios = "/usr/share/registrator-harness/scenarios";
  const auto validated = test_support::run_shell("/usr/bin/regsim validate " + scenarios + "/*.json");
  EXPECT_EQ(validated.exit_code, 0) << validated.output;
  const auto replayed = test_support::run({"/usr/bin/regsim", "run", scenarios + "/seed-single-host.json",
                                           scenarios + "/lifecycle-single-host.json"},
                                          {.timeout = 120s});
  EXPECT_EQ(replayed.exit_code, 0) << replayed.output;
  EXPECT_NE(replayed.output.find("PASS"), std::string::npos) << replayed.output;

  packages.purge_and_expect_no_trace();
}

}  // namespace
