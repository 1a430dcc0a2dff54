// A container's process I/O: logs, exec, attach. A fake container runs no process, so it has
// written nothing and there is nothing to exec into or attach to. These answers are defined and
// immediate (a client never waits on a stream that cannot carry anything):
//  * GET  /containers/{id}/logs: 200 with an empty stream (no frames): the process printed
//    nothing. `follow=1` is refused (501) instead of held open forever.
//  * POST /containers/{id}/exec, POST /containers/{id}/attach, GET /containers/{id}/attach/ws:
//    501 naming what fake-docker does not do.
// An unknown container is the engine's 404 first, as for every container route.
#include "fakes/docker/api/docker_api.hpp"
#include "fakes/docker/api/responses.hpp"
#include "fakes/docker/engine/docker_error.hpp"

namespace fakes::docker {

using verb = http::bhttp::verb;

namespace {

bool query_flag(const http::Target& t, const std::string& key) {
  const std::string v = t.get(key);
  return t.has(key) && v != "0" && v != "false" && v != "False";
}

DockerError not_implemented(const std::string& what) {
  return DockerError(501, "fake-docker: " + what + " is not implemented: a fake container runs no process");
}

}  // namespace

bool DockerApi::route_container_io(const Call& call) {
  const auto& s = call.segments;
  if (s.size() < 3 || s[0] != "containers") return false;
  const std::string& action = s[2];
  const bool logs = s.size() == 3 && action == "logs" && call.method == verb::get;
  const bool exec = s.size() == 3 && action == "exec" && call.method == verb::post;
  const bool attach = (s.size() == 3 && action == "attach" && call.method == verb::post) ||
                      (s.size() == 4 && action == "attach" && s[3] == "ws" && call.method == verb::get);
  if (!logs && !exec && !attach) return false;
  const Container& c = engine_.get(s[1]);  // 404 No such container
  if (exec) {
    if (!c.state.running) throw DockerError(409, "Container " + c.id + " is not running");
    throw not_implemented("exec (POST /containers/{id}/exec)");
  }
  if (attach) throw not_implemented("attach (/containers/{id}/attach)");
  // The engine's checks for logs, then the empty answer.
  if (!query_flag(call.target, "stdout") && !query_flag(call.target, "stderr"))
    throw bad_parameter("Bad parameters: you must choose at least one stream");
  if (query_flag(call.target, "follow"))
    throw not_implemented("following logs (GET /containers/{id}/logs?follow=1)");
  auto res = http::make_response(http::Status::ok, "",
                                 c.config.stdio.tty ? "application/vnd.docker.raw-stream"
                                 : call.version < ApiVersion{1, 42} ? "application/vnd.docker.raw-stream"
                                                                     : "application/vnd.docker.multiplexed-stream");
  add_engine_headers(res, server_);
  call.ex->respond(std::move(res));
  return true;
}

}  // namespace fakes::docker
