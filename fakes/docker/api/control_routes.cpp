// The /_fake/... control API: the test-only operations of FakeDocker over HTTP. Not part of
// the Docker API and never versioned.
//   POST /_fake/containers/{id}/exit?code=N            process exits by itself
//   POST /_fake/containers/{id}/term?exit_code=N       exit code on SIGTERM (default 143)
//   POST /_fake/containers/{id}/term?ignore=1          ignore SIGTERM (stop escalates to KILL)
//   POST /_fake/containers/{id}/health?status=S        starting|healthy|unhealthy
//   POST /_fake/containers/{id}/logs?stream=stdout|stderr   the process prints the body's lines
//   POST /_fake/containers/{id}/exec                   {"Cmd": [...], "Stdout", "Stderr", "ExitCode"}
//   POST /_fake/events/drop                            cut all /events streams
//   POST /_fake/restart?live_restore=1&downtime_ms=N   daemon restart
//   GET  /_fake/requests, DELETE /_fake/requests       the request journal
//   POST /_fake/faults, DELETE /_fake/faults           injected errors and latency
#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/fake_docker.hpp"
#include "fakes/docker/api/responses.hpp"

#include "fakes/common/http/server.hpp"

namespace fakes::docker {

namespace {

using verb = http::bhttp::verb;

int int_query(const http::Target& t, const std::string& key, int fallback) {
  if (!t.has(key)) return fallback;
  const std::string v = t.get(key);
  try {
    std::size_t used = 0;
    int n = std::stoi(v, &used);
    if (used == v.size()) return n;
  } catch (const std::exception&) {
  }
  throw bad_parameter("control API: " + key + " must be an integer, not \"" + v + "\"");
}

bool flag(const http::Target& t, const std::string& key) {
  return t.has(key) && t.get(key) != "0" && t.get(key) != "false";
}

// {"Cmd": ["cat", "/x"], "Stdout": "...", "Stderr": "...", "ExitCode": N}
std::pair<std::vector<std::string>, ExecResult> parse_exec_script(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw bad_parameter("control API: exec script must be a JSON object");
  std::vector<std::string> cmd;
  const auto it = j.find("Cmd");
  if (it == j.end() || !it->is_array() || it->empty())
    throw bad_parameter("control API: exec script needs Cmd, a non-empty array of strings");
  for (const auto& word : *it) {
    if (!word.is_string()) throw bad_parameter("control API: exec script needs Cmd, a non-empty array of strings");
    cmd.push_back(word.get<std::string>());
  }
  auto rest = j;
  rest.erase("Cmd");
  try {
    return {cmd, parse_exec_result(rest, "exec script")};
  } catch (const ScriptError& e) {
    throw bad_parameter(std::string("control API: ") + e.what());
  }
}

}  // namespace

void FakeDocker::handle_control(const http::ExchangePtr& ex, const http::Target& t) {
  const ServerIdentity& id = api_->server();
  const auto method = ex->request().method();
  const std::string& path = t.path;
  auto ok = [&] { ex->respond(empty_response(http::Status::no_content, id)); };

  if (path == "/_fake/events/drop" && method == verb::post) {
    ok();
    // After this exchange's response is queued, so the caller still gets its answer.
    boost::asio::post(io_, [this] { api_->event_streams().drop_all(); });
    return;
  }
  if (path == "/_fake/faults" && method == verb::post) {
    try {
      api_->faults().add(http::decode_fault_rule(ex->request().body()));
    } catch (const std::exception& e) {
      throw bad_parameter(std::string("control API: bad fault: ") + e.what());
    }
    return ok();
  }
  if (path == "/_fake/faults" && method == verb::delete_) {
    api_->faults().clear();
    return ok();
  }
  if (path == "/_fake/restart" && method == verb::post) {
    RestartOptions options{flag(t, "live_restore"), std::chrono::milliseconds(int_query(t, "downtime_ms", 0))};
    ok();
    // Give the answer a moment to leave before every connection is cut.
    auto delay = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(50));
    delay->async_wait([this, delay, options](const boost::system::error_code& ec) {
      if (!ec) restart_on_io(options, [] {});
    });
    return;
  }
  if (path == "/_fake/requests") {
    if (method == verb::delete_) {
      api_->clear_request_log();
      return ok();
    }
    if (method == verb::get) {
      Json list = Json::array();
      for (const auto& r : api_->request_log())
        list.push_back({{"time_nano", r.time_nano},
                        {"method", r.method},
                        {"target", r.target},
                        {"transport", r.transport},
                        {"user_agent", r.user_agent}});
      ex->respond(json_response(http::Status::ok, list, id));
      return;
    }
  }
  const std::string prefix = "/_fake/containers/";
  if (path.rfind(prefix, 0) == 0 && method == verb::post) {
    const std::string rest = path.substr(prefix.size());
    const auto slash = rest.find('/');
    if (slash != std::string::npos) {
      const std::string ref = rest.substr(0, slash), action = rest.substr(slash + 1);
      if (action == "exit") {
        engine_->exit(ref, int_query(t, "code", 0));
        return ok();
      }
      if (action == "term") {
        engine_->set_term_behaviour(ref, TermBehaviour{flag(t, "ignore"), int_query(t, "exit_code", 143)});
        return ok();
      }
      if (action == "logs") {
        const std::string stream = t.get("stream", "stdout");
        if (stream != "stdout" && stream != "stderr")
          throw bad_parameter("control API: stream must be stdout or stderr, not \"" + stream + "\"");
        engine_->print(ref, stream == "stdout" ? OutputStream::out : OutputStream::err, ex->request().body());
        return ok();
      }
      if (action == "exec") {
        auto [cmd, result] = parse_exec_script(ex->request().body());
        engine_->script_exec(ref, cmd, std::move(result));
        return ok();
      }
      if (action == "health") {
        engine_->set_health(ref, t.get("status"));
        return ok();
      }
    }
  }
  ex->respond(error_response(404, "unknown control endpoint: " + std::string(ex->request().method_string()) + " " + path,
                             id));
}

}  // namespace fakes::docker
