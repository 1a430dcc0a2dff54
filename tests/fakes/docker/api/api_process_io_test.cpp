// fake-docker's HTTP API, a container's process I/O: a fake container runs no process, so logs
// are empty and exec and attach are refused at once with a message saying so (never a hang).
#include "tests/fakes/docker/api/api_fixture.hpp"

namespace {

using namespace fake_docker_api_test;

TEST_F(FakeDockerApi, LogsAreEmptyAndExecAttachAreRefused) {
  run_web("web", "7005");
  auto logs = call(verb::get, "/v1.47/containers/web/logs?stdout=1&stderr=1&tail=all");
  EXPECT_EQ(logs.status, 200u) << logs.body;
  EXPECT_EQ(logs.body, "") << "the process wrote nothing";
  auto no_stream = call(verb::get, "/v1.47/containers/web/logs");
  EXPECT_EQ(no_stream.status, 400u);
  EXPECT_EQ(json::parse(no_stream.body)["message"], "Bad parameters: you must choose at least one stream");
  auto follow = call(verb::get, "/v1.47/containers/web/logs?stdout=1&follow=1");
  EXPECT_EQ(follow.status, 501u) << "answered at once instead of held open";
  EXPECT_NE(json::parse(follow.body)["message"].get<std::string>().find("a fake container runs no process"), std::string::npos);

  auto exec = call(verb::post, "/v1.47/containers/web/exec", R"({"Cmd":["true"]})");
  EXPECT_EQ(exec.status, 501u);
  EXPECT_EQ(json::parse(exec.body)["message"],
            "fake-docker: exec (POST /containers/{id}/exec) is not implemented: a fake container runs no process");
  EXPECT_EQ(call(verb::post, "/v1.47/containers/web/attach?stream=1&stdout=1").status, 501u);
  EXPECT_EQ(call(verb::get, "/v1.47/containers/nope/logs?stdout=1").status, 404u);

  ASSERT_EQ(call(verb::post, "/v1.47/containers/web/stop?t=1").status, 204u);
  auto stopped = call(verb::post, "/v1.47/containers/web/exec", R"({"Cmd":["true"]})");
  EXPECT_EQ(stopped.status, 409u) << "the engine's answer for a container that does not run";
}

}  // namespace
