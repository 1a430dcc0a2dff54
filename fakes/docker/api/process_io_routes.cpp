// A container's output: GET /containers/{id}/logs and POST /containers/{id}/attach. A fake
// container runs no process; what it "printed" is its script's lines (at each start) and what
// the control API made it print (engine_exec.cpp). Both are written as the engine writes them:
// stdcopy frames unless the container has a TTY. `logs?follow=1` and attach with stream=1 go on
// until the process ends (die), the container is removed, `until` passes or the client leaves.
// The websocket attach (GET .../attach/ws) is refused with 501.
#include "fakes/docker/api/docker_api.hpp"
#include "fakes/docker/api/hijacked_stream.hpp"
#include "fakes/docker/api/log_query.hpp"
#include "fakes/docker/api/responses.hpp"
#include "fakes/docker/engine/docker_error.hpp"

namespace fakes::docker {

using verb = http::bhttp::verb;

namespace {

bool query_flag(const http::Target& t, const std::string& key) {
  const std::string v = t.get(key);
  return t.has(key) && v != "0" && v != "false" && v != "False";
}

}  // namespace

bool DockerApi::route_container_io(const Call& call) {
  const auto& s = call.segments;
  if (s.size() < 3 || s[0] != "containers") return false;
  const std::string& action = s[2];
  const bool logs = s.size() == 3 && action == "logs" && call.method == verb::get;
  const bool attach = s.size() == 3 && action == "attach" && call.method == verb::post;
  const bool attach_ws = s.size() == 4 && action == "attach" && s[3] == "ws" && call.method == verb::get;
  if (!logs && !attach && !attach_ws) return false;
  const Container& c = engine_.get(s[1]);  // 404 No such container
  if (attach_ws)
    throw DockerError(501, "fake-docker: attach over a websocket (GET /containers/{id}/attach/ws) is not implemented");
  const bool multiplexed = !c.config.stdio.tty;
  const char* type = multiplexed && call.version >= ApiVersion{1, 42} ? "application/vnd.docker.multiplexed-stream"
                                                                       : "application/vnd.docker.raw-stream";
  if (logs) {
    const LogQuery query = parse_log_query(call.target);
    auto header = http::make_response(http::Status::ok, "", type);
    add_engine_headers(header, server_);
    call.ex->begin_stream(std::move(header));
    for (const LogEntry* entry : past_lines(c.log, query)) call.ex->send_chunk(render(*entry, query, multiplexed));
    // Following a container that does not run ends at once, as on the engine; so does an
    // `until` already past.
    if (!query.follow || !c.state.running || (query.until != 0 && query.until <= engine_.now()))
      call.ex->end_stream();
    else
      followers_.follow(call.ex, c.id, query, multiplexed);
    return true;
  }
  if (c.state.paused) throw DockerError(409, "container " + c.id + " is paused, unpause the container before attach");
  LogQuery query;
  query.out = query_flag(call.target, "stdout");
  query.err = query_flag(call.target, "stderr");
  const bool upgrade = call.ex->request().find(http::bhttp::field::upgrade) != call.ex->request().end();
  const bool replay = query_flag(call.target, "logs"), stream = query_flag(call.target, "stream");
  // Attached before start (docker run, docker start -a), the stream carries the run to its end.
  // What is printed before the client has read the head is held (hijacked_stream.hpp), and goes
  // out after the replay of older lines.
  std::string replayed;
  if (replay)
    for (const LogEntry* entry : past_lines(c.log, query)) replayed += render(*entry, query, multiplexed);
  const std::uint64_t follower = stream ? followers_.follow(call.ex, c.id, query, multiplexed, /*held=*/true) : 0;
  begin_hijacked(io_, call.ex, hijack_head(upgrade, type, server_),
                 [this, alive = std::weak_ptr<bool>(alive_), ex = call.ex, stream,
                  follower, replayed = std::move(replayed)] {
                   if (alive.expired()) return;
                   ex->send_chunk(replayed);
                   if (stream) followers_.release(follower);
                   else ex->end_stream();
                 });
  return true;
}

}  // namespace fakes::docker
