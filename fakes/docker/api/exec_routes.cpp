// Exec: POST /containers/{id}/exec, POST /exec/{id}/start, GET /exec/{id}/json,
// POST /exec/{id}/resize. A fake exec runs at start and is over at once: its output is what the
// container's script (or a built-in command) says, written as the engine writes it on the
// hijacked connection (stdcopy frames without a TTY, raw with one); a command that is neither
// gets the engine's "executable file not found" on the stream and exit code 127 (126 from an
// engine older than Docker 28, as this fake is with --api-version below 1.48).
#include "fakes/docker/api/docker_api.hpp"
#include "fakes/docker/api/hijacked_stream.hpp"
#include "fakes/docker/api/responses.hpp"
#include "fakes/docker/api/stream_framing.hpp"
#include "fakes/docker/engine/docker_error.hpp"

namespace fakes::docker {

using verb = http::bhttp::verb;

namespace {

Json parse_body(const std::string& body) {
  if (body.empty()) return Json::object();
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded()) throw bad_parameter("invalid JSON: the request body is not valid JSON");
  if (!j.is_object()) throw bad_parameter("invalid JSON: the request body must be a JSON object");
  return j;
}

bool bool_field(const Json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return false;
  if (!j[key].is_boolean()) throw bad_parameter(std::string("invalid JSON: field ") + key + " must be a boolean");
  return j[key].get<bool>();
}

std::string string_field(const Json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return "";
  if (!j[key].is_string()) throw bad_parameter(std::string("invalid JSON: field ") + key + " must be a string");
  return j[key].get<std::string>();
}

// strslice.StrSlice: an array of strings, or one string.
std::vector<std::string> command_field(const Json& j) {
  if (!j.contains("Cmd") || j["Cmd"].is_null()) return {};
  const Json& cmd = j["Cmd"];
  if (cmd.is_string()) return {cmd.get<std::string>()};
  if (!cmd.is_array()) throw bad_parameter("invalid JSON: field Cmd must be an array of strings");
  std::vector<std::string> out;
  for (const auto& word : cmd) {
    if (!word.is_string()) throw bad_parameter("invalid JSON: field Cmd must be an array of strings");
    out.push_back(word.get<std::string>());
  }
  return out;
}

// httputils.Uint32Value, with the router's wrapping.
void check_resize_dimension(const http::Target& t, const char* key, const char* word) {
  const std::string v = t.get(key);
  bool ok = !v.empty() && v.size() <= 10 && v.find_first_not_of("0123456789") == std::string::npos &&
            std::stoull(v) <= 0xffffffffull;
  if (!ok)
    throw bad_parameter(std::string("invalid resize ") + word + " \"" + v + "\": strconv.ParseUint: parsing \"" + v +
                        "\": " + (v.find_first_not_of("0123456789") == std::string::npos && !v.empty() ? "value out of range" : "invalid syntax"));
}

Json exec_inspect_json(const ExecInstance& e) {
  Json args = Json::array();
  for (std::size_t i = 1; i < e.cmd.size(); ++i) args.push_back(e.cmd[i]);
  return Json{{"ID", e.id},
              {"Running", false},
              {"ExitCode", e.exit_code ? Json(*e.exit_code) : Json(nullptr)},
              {"ProcessConfig",
               {{"privileged", e.privileged}, {"user", e.user}, {"tty", e.tty}, {"entrypoint", e.cmd.front()}, {"arguments", args}}},
              {"OpenStdin", e.attach_stdin},
              {"OpenStderr", e.attach_stderr},
              {"OpenStdout", e.attach_stdout},
              {"CanRemove", false},
              {"ContainerID", e.container_id},
              {"DetachKeys", e.detach_keys},
              {"Pid", e.pid}};
}

}  // namespace

bool DockerApi::route_exec(const Call& call) {
  const auto& s = call.segments;
  if (s.size() == 3 && s[0] == "containers" && s[2] == "exec" && call.method == verb::post) {
    const Json body = parse_body(call.ex->request().body());
    ExecInstance request;
    request.cmd = command_field(body);
    request.tty = bool_field(body, "Tty");
    request.attach_stdin = bool_field(body, "AttachStdin");
    request.attach_stdout = bool_field(body, "AttachStdout");
    request.attach_stderr = bool_field(body, "AttachStderr");
    request.privileged = bool_field(body, "Privileged");
    request.user = string_field(body, "User");
    request.working_dir = string_field(body, "WorkingDir");
    request.detach_keys = string_field(body, "DetachKeys");
    const ExecInstance& e = engine_.exec_create(s[1], std::move(request));
    respond_json(call, http::Status::created, Json{{"Id", e.id}});
    return true;
  }
  if (s.size() != 3 || s[0] != "exec") return false;
  const std::string& id = s[1];
  if (s[2] == "json" && call.method == verb::get) {
    respond_json(call, http::Status::ok, exec_inspect_json(engine_.get_exec(id)));
    return true;
  }
  if (s[2] == "resize" && call.method == verb::post) {
    check_resize_dimension(call.target, "h", "height");
    check_resize_dimension(call.target, "w", "width");
    engine_.active_exec(id);  // the process is already over: nothing to resize
    respond_empty(call, http::Status::ok);
    return true;
  }
  if (s[2] != "start" || call.method != verb::post) return false;
  const Json body = parse_body(call.ex->request().body());
  const bool detach = bool_field(body, "Detach");
  const bool tty = bool_field(body, "Tty");
  const ExecInstance& e = engine_.active_exec(id);
  const bool open_out = e.attach_stdout, open_err = e.attach_stderr;
  if (detach) {
    const auto run = engine_.exec_start(id, server_.max_version >= ApiVersion{1, 48});
    if (!run.failure.empty()) throw bad_parameter(run.failure);  // the engine's startInvalidConfigError
    respond_empty(call, http::Status::ok);
    return true;
  }
  const auto run = engine_.exec_start(id, server_.max_version >= ApiVersion{1, 48});  // 409 "has already run" before the connection is taken
  const bool upgrade = call.ex->request().find(http::bhttp::field::upgrade) != call.ex->request().end();
  const bool multiplexed = !tty;
  const char* type = multiplexed && call.version >= ApiVersion{1, 42} ? "application/vnd.docker.multiplexed-stream"
                                                                       : "application/vnd.docker.raw-stream";
  // The output goes out once the client has read the head (hijacked_stream.hpp).
  auto write_output = [ex = call.ex, run, multiplexed, open_out, open_err] {
    auto write = [&](OutputStream stream, const std::string& text) {
      if (!text.empty()) ex->send_chunk(multiplexed ? frame(stream, text) : text);
    };
    if (!run.failure.empty()) {
      write(OutputStream::out, run.failure + "\r\n");
    } else {
      if (open_out) write(OutputStream::out, run.out);
      if (open_err) write(OutputStream::err, run.err);
    }
    ex->end_stream();
  };
  begin_hijacked(io_, call.ex, hijack_head(upgrade, upgrade ? type : "application/vnd.docker.raw-stream", server_),
                 std::move(write_output));
  return true;
}

}  // namespace fakes::docker
