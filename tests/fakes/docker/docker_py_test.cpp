// docker-py 5.0.3 (Debian's python3-docker, run by /usr/bin/python3) against the fake-docker
// executable: clients/docker_py_check.py does what a user of the library does (containers,
// networks, images, events, system, prune, logs/exec) and checks it, one line per check.
#include "tests/fakes/docker/cli_fixture.hpp"

using namespace fake_docker_cli_test;

namespace {

constexpr const char* kSystemPython = "/usr/bin/python3";

TEST_F(FakeDockerCli, DockerPyDrivesEveryCommonCall) {
  const auto module = test_support::run({kSystemPython, "-c", "import docker; print(docker.__version__)"});
  ASSERT_EQ(module.output, "5.0.3\n") << "python3-docker 5.0.3 for " << kSystemPython << " (ci/bootstrap)";
  start_fake();
  const std::string home = (dir_ / "home").string();
  test_support::Command script{kSystemPython, DOCKER_PY_SCRIPT};
  script.env("DOCKER_HOST", "unix://" + socket_).env("HOME", home).env("DOCKER_CONFIG", home + "/.docker");
  for (const char* var : {"DOCKER_API_VERSION", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"})
    script.unset_env(var);
  const auto result = test_support::run(script, {.timeout = 120s});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("all passed"), std::string::npos) << result.output;
}

// clients/docker_py_process_io.py: exec_run, logs (tail, follow) and run without detach against an
// image whose FakeProcess scripts its output.
TEST_F(FakeDockerCli, DockerPyExecAndLogsOfAScriptedImage) {
  std::ofstream(dir_ / "images.json") << R"({"scripted": {"ExposedPorts": {"80/tcp": {}}, "FakeProcess": {
    "Logs": ["starting", {"stderr": "no config"}, "listening on :80"],
    "Exec": {"cat /etc/motd": {"Stdout": "hello\n"}, "sh -c exit 3": {"Stderr": "bye\n", "ExitCode": 3}}}}})";
  start_fake();
  const std::string home = (dir_ / "home").string();
  test_support::Command script{kSystemPython, DOCKER_PY_PROCESS_IO_SCRIPT};
  script.env("DOCKER_HOST", "unix://" + socket_).env("HOME", home).env("DOCKER_CONFIG", home + "/.docker");
  for (const char* var : {"DOCKER_API_VERSION", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"})
    script.unset_env(var);
  const auto result = test_support::run(script, {.timeout = 120s});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("all passed"), std::string::npos) << result.output;
}

}  // namespace
