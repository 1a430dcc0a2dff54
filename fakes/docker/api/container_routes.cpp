// /containers/...: create, list, inspect, lifecycle actions, wait, delete, prune.
#include "fakes/docker/api/create_request.hpp"
#include "fakes/docker/api/docker_api.hpp"
#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/api/responses.hpp"

namespace fakes::docker {

using verb = http::bhttp::verb;

namespace {

bool truthy(const http::Target& t, const std::string& key) {
  const std::string v = t.get(key);
  return t.has(key) && v != "0" && v != "false" && v != "False";
}

int int_param(const http::Target& t, const std::string& key, int fallback) {
  if (!t.has(key) || t.get(key).empty()) return fallback;
  const std::string v = t.get(key);
  std::size_t i = v[0] == '-' ? 1 : 0;
  if (i == v.size() || v.size() > 9) throw bad_parameter("invalid value for " + key + ": \"" + v + "\"");
  for (; i < v.size(); ++i)
    if (v[i] < '0' || v[i] > '9') throw bad_parameter("invalid value for " + key + ": \"" + v + "\"");
  return std::stoi(v);
}

constexpr int kDefaultStopTimeout = 10;  // the engine's default StopTimeout

}  // namespace

bool DockerApi::route_containers(const Call& call) {
  const auto& s = call.segments;
  if (s.empty() || s[0] != "containers" || s.size() < 2) return false;
  if (s.size() == 2 && s[1] == "create" && call.method == verb::post) {
    const CreateSpec spec = parse_create_request(call.ex->request().body(), call.target.get("name"));
    // Before API 1.44 the engine joins one network at create; more take a connect each.
    if (spec.endpoints.size() > 1 && call.version < ApiVersion{1, 44}) {
      std::string names;
      for (const auto& [network, _] : spec.endpoints) names += (names.empty() ? "" : ", ") + network;
      throw bad_parameter("Container cannot be connected to network endpoints: " + names);
    }
    const Container& c = engine_.create(spec);
    respond_json(call, http::Status::created, Json{{"Id", c.id}, {"Warnings", Json::array()}});
    return true;
  }
  if (s.size() == 2 && s[1] == "json" && call.method == verb::get) {
    ListQuery query;
    query.all = truthy(call.target, "all");
    query.limit = int_param(call.target, "limit", -1);
    query.filters = parse_filter_args(call.target.get("filters"));
    const bool size = truthy(call.target, "size");
    std::string list = "[";
    const auto now = engine_.now();
    const auto containers = engine_.list(query);
    list.reserve(containers.size() * 1024);
    for (const Container* c : containers) {
      if (list.size() > 1) list += ',';
      append_container_summary(list, *c, now, size, call.version);
    }
    list += "]\n";
    respond_json_text(call, http::Status::ok, std::move(list));
    return true;
  }
  if (s.size() == 2 && s[1] == "prune" && call.method == verb::post) {
    const auto removed = engine_.prune_containers(parse_filter_args(call.target.get("filters")));
    // Go's nil slice: null when nothing was removed.
    respond_json(call, http::Status::ok,
                 Json{{"ContainersDeleted", removed.empty() ? Json(nullptr) : Json(removed)}, {"SpaceReclaimed", 0}});
    return true;
  }
  const std::string& ref = s[1];
  if (s.size() == 2 && call.method == verb::delete_) {
    engine_.remove(ref, truthy(call.target, "force"));
    respond_empty(call, http::Status::no_content);
    return true;
  }
  if (s.size() != 3) return false;
  if (s[2] == "json" && call.method == verb::get) {
    // Inspect is what registrator asks most: an unchanged container's answer is sent, from its
    // second inspect on, as the bytes it was then (no document, header or copy per request).
    const CachedView& view = container_inspect_view(engine_.get(ref), call.version);
    if (!view.answer && view.served)
      view.answer = std::make_shared<const std::string>(
          http::wire_response(json_text_response(http::Status::ok, view.head + "\n", server_)));
    view.served = true;
    if (!view.answer || !call.ex->respond_wire(view.answer, 200))
      respond_json_text(call, http::Status::ok, view.head + "\n");
    return true;
  }
  if (call.method != verb::post) return false;
  container_action(call, ref, s[2]);
  return true;
}

void DockerApi::container_action(const Call& call, const std::string& ref, const std::string& action) {
  const auto& t = call.target;
  auto answered = [ex = call.ex, server = server_] {
    if (ex->is_open()) ex->respond(empty_response(http::Status::no_content, server));
  };
  if (action == "start") {
    engine_.start(ref);
    respond_empty(call, http::Status::no_content);
  } else if (action == "stop") {
    stops_.stop(ref, int_param(t, "t", kDefaultStopTimeout), answered);
  } else if (action == "restart") {
    const std::string id = engine_.get(ref).id;
    auto start_again = [this, id, answered] {
      if (!engine_.find(id)) return answered();
      engine_.start(id);
      engine_.record_restart(id);
      answered();
    };
    if (engine_.get(id).state.running)
      stops_.stop(id, int_param(t, "t", kDefaultStopTimeout), [start_again] {
        try {
          start_again();
        } catch (const DockerError&) {
          // e.g. its port was taken meanwhile; the engine would leave it stopped too.
        }
      });
    else
      start_again();
  } else if (action == "kill") {
    const std::string name = t.get("signal", "SIGKILL");
    auto signal = parse_signal(name);
    if (!signal) throw bad_parameter("Invalid signal: " + name);
    engine_.kill(ref, *signal);
    respond_empty(call, http::Status::no_content);
  } else if (action == "pause") {
    engine_.pause(ref);
    respond_empty(call, http::Status::no_content);
  } else if (action == "unpause") {
    engine_.unpause(ref);
    respond_empty(call, http::Status::no_content);
  } else if (action == "rename") {
    engine_.rename(ref, t.get("name"));
    respond_empty(call, http::Status::no_content);
  } else if (action == "wait") {
    waiters_.wait(call.ex, ref, t.get("condition"), server_);
  } else {
    respond_json(call, http::Status::not_found, Json{{"message", "page not found"}});
  }
}

}  // namespace fakes::docker
