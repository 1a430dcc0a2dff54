#include "scenarios/regsim/peers/docker_control.hpp"

#include "scenarios/regsim/interrupt.hpp"

#include "fakes/common/url.hpp"

#include <sys/stat.h>

#include <thread>

namespace regsim {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

std::string docker_message(const fakes::http::ClientResponse& r) {
  auto doc = json::parse(r.body, nullptr, false);
  if (!doc.is_discarded() && doc.is_object() && doc.contains("message") && doc["message"].is_string())
    return doc["message"].get<std::string>();
  return r.body.size() > 200 ? r.body.substr(0, 200) + "..." : r.body;
}

std::string container_path(const std::string& container) {
  return "/containers/" + fakes::http::percent_encode(container);
}

}  // namespace

json create_body(const RunAction& run) {
  json env = json::array();
  for (const auto& [k, v] : run.env) env.push_back(k + "=" + v);
  json exposed = json::object();
  json bindings = json::object();
  for (const auto& p : run.publish) {
    // The CLI exposes every published port, whether or not the image does.
    exposed[p.port_key()] = json::object();
    bindings[p.port_key()].push_back({{"HostIp", p.host_ip}, {"HostPort", p.host_port}});
  }
  return {{"Image", run.image},
          {"Env", env},
          {"Labels", run.labels},
          {"ExposedPorts", exposed},
          {"HostConfig", {{"PortBindings", bindings}, {"NetworkMode", run.network}}}};
}

ContainerFacts facts_from_inspect(const json& doc) {
  if (!doc.is_object() || !doc.contains("Id") || !doc["Id"].is_string())
    throw DockerError("inspect answer has no \"Id\"");
  ContainerFacts f;
  f.id = doc["Id"].get<std::string>();
  const json state = doc.value("State", json::object());
  if (state.is_object()) {
    f.state = state.value("Status", std::string{});
    if (state.contains("ExitCode") && state["ExitCode"].is_number_integer()) f.exit_code = state["ExitCode"].get<int>();
  }
  const json settings = doc.value("NetworkSettings", json::object());
  if (!settings.is_object()) return f;
  // Prefer the network the container was started on, then any network with an address.
  std::string mode;
  if (auto hc = doc.find("HostConfig"); hc != doc.end() && hc->is_object())
    mode = hc->value("NetworkMode", std::string{});
  if (mode == "default" || mode.empty()) mode = "bridge";
  if (auto nets = settings.find("Networks"); nets != settings.end() && nets->is_object()) {
    if (auto n = nets->find(mode); n != nets->end() && n->is_object()) f.ip = n->value("IPAddress", std::string{});
    for (auto it = nets->begin(); f.ip.empty() && it != nets->end(); ++it)
      if (it->is_object()) f.ip = it->value("IPAddress", std::string{});
  }
  if (f.ip.empty()) f.ip = settings.value("IPAddress", std::string{});
  if (auto ports = settings.find("Ports"); ports != settings.end() && ports->is_object())
    for (const auto& [key, list] : ports->items())
      if (list.is_array() && !list.empty() && list[0].is_object())
        f.host_ports[key] = list[0].value("HostPort", std::string{});
  return f;
}

DockerControl::DockerControl(std::string socket_path)
    : endpoint_(fakes::http::Endpoint::unix_path(std::move(socket_path))) {}

fakes::http::ClientResponse DockerControl::call(verb method, const std::string& target, const std::string& body) {
  try {
    // The User-Agent spares regsim's own requests from the faults its steps inject.
    return fakes::http::fetch(endpoint_, method, target, body, {{"User-Agent", kRegsimUserAgent}},
                              std::chrono::seconds(10));
  } catch (const fakes::http::ClientError& e) {
    throw DockerError(std::string("fake-docker unreachable: ") + e.what());
  }
}

void DockerControl::expect_status(const fakes::http::ClientResponse& r, std::initializer_list<unsigned> ok,
                                  const std::string& what) {
  for (unsigned s : ok)
    if (r.status == s) return;
  throw DockerError(what + " answered " + std::to_string(r.status) + ": " + docker_message(r));
}

std::string DockerControl::run(const RunAction& run) {
  const std::string id = create(run.name, create_body(run));
  start(id);
  return id;
}

std::string DockerControl::create(const std::string& name, const json& body) {
  const std::string target = "/containers/create?name=" + fakes::http::percent_encode(name);
  const auto created = call(verb::post, target, body.dump());
  expect_status(created, {201}, "POST " + target);
  auto doc = json::parse(created.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("Id") || !doc["Id"].is_string())
    throw DockerError("POST " + target + " answered without an \"Id\": " + created.body);
  return doc["Id"].get<std::string>();
}

void DockerControl::start(const std::string& container) {
  const auto target = container_path(container) + "/start";
  expect_status(call(verb::post, target), {204, 304}, "POST " + target);
}

void DockerControl::stop(const std::string& container) {
  const auto target = container_path(container) + "/stop";
  expect_status(call(verb::post, target), {204, 304}, "POST " + target);
}

void DockerControl::kill(const std::string& container, const std::string& signal) {
  auto target = container_path(container) + "/kill";
  if (!signal.empty()) target += "?signal=" + fakes::http::percent_encode(signal);
  expect_status(call(verb::post, target), {204}, "POST " + target);
}

void DockerControl::remove(const std::string& container) {
  const auto target = container_path(container) + "?force=1";
  expect_status(call(verb::delete_, target), {204}, "DELETE " + target);
}

void DockerControl::exit(const std::string& container, int code) {
  const auto facts = inspect(container);
  if (!facts) throw DockerError("no container " + container + " to exit");
  const auto target = "/_fake/containers/" + facts->id + "/exit?code=" + std::to_string(code);
  expect_status(call(verb::post, target), {200, 204}, "POST " + target);
}

void DockerControl::create_network(const std::string& name, const std::map<std::string, std::string>& labels) {
  json body = {{"Name", name}, {"Driver", "bridge"}, {"CheckDuplicate", true}};
  if (!labels.empty()) body["Labels"] = labels;
  expect_status(call(verb::post, "/networks/create", body.dump()), {201}, "POST /networks/create " + name);
}

void DockerControl::connect_network(const std::string& network, const std::string& container,
                                    const std::vector<std::string>& aliases) {
  const auto target = "/networks/" + fakes::http::percent_encode(network) + "/connect";
  json body = {{"Container", container}};
  if (!aliases.empty()) body["EndpointConfig"] = {{"Aliases", aliases}};
  expect_status(call(verb::post, target, body.dump()), {200}, "POST " + target);
}

bool DockerControl::remove_network(const std::string& name) {
  const auto target = "/networks/" + fakes::http::percent_encode(name);
  const auto r = call(verb::delete_, target);
  if (r.status == 404) return false;
  expect_status(r, {204, 200}, "DELETE " + target);
  return true;
}

bool DockerControl::network_exists(const std::string& name) {
  const auto target = "/networks/" + fakes::http::percent_encode(name);
  const auto r = call(verb::get, target);
  if (r.status == 404) return false;
  expect_status(r, {200}, "GET " + target);
  return true;
}

std::vector<json> DockerControl::containers_labelled(const std::string& label) {
  const std::string target =
      "/containers/json?all=1&filters=" + fakes::http::percent_encode(json{{"label", {label}}}.dump());
  const auto r = call(verb::get, target);
  expect_status(r, {200}, "GET " + target);
  auto doc = json::parse(r.body, nullptr, false);
  if (!doc.is_array()) throw DockerError("GET " + target + " answered something other than a JSON list");
  return std::vector<json>(doc.begin(), doc.end());
}

void DockerControl::disconnect_network(const std::string& network, const std::string& container) {
  const auto target = "/networks/" + fakes::http::percent_encode(network) + "/disconnect";
  expect_status(call(verb::post, target, json{{"Container", container}}.dump()), {200}, "POST " + target);
}

void DockerControl::end(const std::string& container, ChurnEnd how) {
  switch (how) {
    case ChurnEnd::stop: stop(container); break;
    case ChurnEnd::kill: kill(container, ""); break;
    case ChurnEnd::exit_zero: exit(container, 0); break;
    case ChurnEnd::exit_one: exit(container, 1); break;
    case ChurnEnd::rm: remove(container); break;
  }
}

void DockerControl::add_fault(const nlohmann::json& rule) {
  expect_status(call(verb::post, "/_fake/faults", rule.dump()), {200, 204}, "POST /_fake/faults");
}

void DockerControl::clear_faults() {
  expect_status(call(verb::delete_, "/_fake/faults"), {200, 204}, "DELETE /_fake/faults");
}

void DockerControl::drop_events() {
  expect_status(call(verb::post, "/_fake/events/drop"), {200, 204}, "POST /_fake/events/drop");
}

namespace {

// The socket file's identity: a restarted fake-docker removes it and listens on a new one.
std::optional<std::pair<ino_t, std::int64_t>> socket_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return std::pair{st.st_ino, static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec};
}

}  // namespace

void DockerControl::restart_daemon(std::chrono::milliseconds downtime, bool live_restore) {
  const auto target = "/_fake/restart?downtime_ms=" + std::to_string(downtime.count()) +
                      (live_restore ? "&live_restore=1" : "");
  const auto before = socket_identity(endpoint_.path);
  expect_status(call(verb::post, target), {200, 204}, "POST " + target);
  // fake-docker answers first and restarts a moment later; wait until the old socket is gone
  // (or replaced), then until the new daemon answers.
  const auto went_away_by = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (socket_identity(endpoint_.path) == before) {
    throw_if_interrupted();
    if (std::chrono::steady_clock::now() > went_away_by)
      throw DockerError("fake-docker did not restart within 5s of POST " + target);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto back_by = std::chrono::steady_clock::now() + downtime + std::chrono::seconds(10);
  for (;;) {
    throw_if_interrupted();
    if (socket_identity(endpoint_.path)) {
      try {
        if (fakes::http::fetch(endpoint_, verb::get, "/_ping", {}, {}, std::chrono::seconds(1)).status == 200) return;
      } catch (const fakes::http::ClientError&) {
        // still coming up
      }
    }
    if (std::chrono::steady_clock::now() > back_by)
      throw DockerError("fake-docker did not come back within " + std::to_string((downtime.count() + 10000) / 1000) +
                        "s of its restart");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::optional<ContainerFacts> DockerControl::inspect(const std::string& container) {
  const auto target = container_path(container) + "/json";
  const auto r = call(verb::get, target);
  if (r.status == 404) return std::nullopt;
  expect_status(r, {200}, "GET " + target);
  auto doc = json::parse(r.body, nullptr, false);
  if (doc.is_discarded()) throw DockerError("GET " + target + " answered invalid JSON");
  try {
    return facts_from_inspect(doc);
  } catch (const DockerError& e) {
    throw DockerError("GET " + target + ": " + e.what());
  }
}

std::vector<std::string> DockerControl::running_names() {
  const std::string target = "/containers/json";
  const auto r = call(verb::get, target);
  expect_status(r, {200}, "GET " + target);
  auto doc = json::parse(r.body, nullptr, false);
  if (!doc.is_array()) throw DockerError("GET " + target + " answered something other than a JSON list");
  std::vector<std::string> names;
  for (const auto& c : doc) {
    if (!c.is_object()) continue;
    const auto found = c.find("Names");
    if (found == c.end() || !found->is_array() || found->empty() || !(*found)[0].is_string()) continue;
    auto name = (*found)[0].get<std::string>();
    if (name.starts_with("/")) name.erase(0, 1);
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace regsim
