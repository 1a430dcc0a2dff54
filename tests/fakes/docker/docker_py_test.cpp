// docker-py 5.0.3 (Debian's python3-docker, run by /usr/bin/python3) against the fake-docker
// executable: clients/docker_py_check.py does what a user of the library does (containers,
// networks, images, events, system, prune, logs/exec) and checks it, one line per check.
#include "tests/fakes/docker/cli_fixture.hpp"

using namespace fake_docker_cli_test;

namespace {

constexpr const char* kSystemPython = "/usr/bin/python3";

// Runs a docker-py script with Debian's interpreter against the started fake, in a clean
// client environment; it prints "all passed" when every check held.
void expect_script_passes(const char* script_path, const std::filesystem::path& dir, const std::string& socket) {
  const std::string home = (dir / "home").string();
  test_support::Command script{kSystemPython, script_path};
  script.env("DOCKER_HOST", "unix://" + socket).env("HOME", home).env("DOCKER_CONFIG", home + "/.docker");
  for (const char* var : {"DOCKER_API_VERSION", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"})
    script.unset_env(var);
  const auto result = test_support::run(script, {.timeout = 120s});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("all passed"), std::string::npos) << result.output;
}

TEST_F(FakeDockerCli, DockerPyDrivesEveryCommonCall) {
  const auto module = test_support::run({kSystemPython, "-c", "import docker; print(docker.__version__)"});
  ASSERT_EQ(module.output, "5.0.3\n") << "python3-docker 5.0.3 for " << kSystemPython << " (ci/bootstrap)";
  start_fake();
  expect_script_passes(DOCKER_PY_SCRIPT, dir_, socket_);
}

// clients/docker_py_process_io.py: exec_run, logs (tail, follow) and run without detach against an
// image whose FakeProcess scripts its output.
TEST_F(FakeDockerCli, DockerPyExecAndLogsOfAScriptedImage) {
  std::ofstream(dir_ / "images.json") << R"({"scripted": {"ExposedPorts": {"80/tcp": {}}, "FakeProcess": {
    "Logs": ["starting", {"stderr": "no config"}, "listening on :80"],
    "Exec": {"cat /etc/motd": {"Stdout": "hello\n"}, "sh -c exit 3": {"Stderr": "bye\n", "ExitCode": 3}}}}})";
  start_fake();
  expect_script_passes(DOCKER_PY_PROCESS_IO_SCRIPT, dir_, socket_);
}

}  // namespace
