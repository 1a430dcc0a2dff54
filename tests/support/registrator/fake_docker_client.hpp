#pragma once
// A DockerClient double for registrator's suites: containers to inspect, the running list,
// scripted event streams (events, a refused connect, an idle stream held until cancelled) and
// failure knobs; plus the inspect documents and events the tests feed it.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registrator/docker/docker_client.hpp"

namespace regtest {

using nlohmann::json;
using registrator::DockerClient;
using registrator::DockerError;
using registrator::DockerEvent;
using registrator::EventSink;

/// A 64-character container id made of one character.
inline std::string cid(char c) { return std::string(64, c); }

/// An inspect document of a running container publishing 80/tcp on `host_port`.
inline json container(const std::string& id, const std::string& name, int host_port) {
  json j;
  j["Id"] = id;
  j["Name"] = "/" + name;
  j["Config"] = {{"Image", "img/" + name + ":1"}, {"Env", json::array()}, {"ExposedPorts", {{"80/tcp", json::object()}}}};
  j["HostConfig"] = {{"NetworkMode", "default"}};
  j["NetworkSettings"] = {
      {"Ports", {{"80/tcp", json::array({{{"HostIp", "0.0.0.0"}, {"HostPort", std::to_string(host_port)}}})}}},
      {"Networks", {{"bridge", {{"IPAddress", "172.17.0.2"}}}}}};
  j["State"] = {{"Running", true}, {"ExitCode", 0}};
  return j;
}

/// A container event as Docker sends it (`time` in seconds).
inline DockerEvent event(const std::string& action, const std::string& id, std::map<std::string, std::string> attrs = {},
                  std::int64_t time = 0) {
  DockerEvent e;
  e.type = "container";
  e.action = action;
  e.id = id;
  e.attributes = std::move(attrs);
  e.time = time;
  e.time_nano = time * 1'000'000'000;
  return e;
}

class FakeDocker : public DockerClient {
 public:
  std::map<std::string, json> containers;  // id -> inspect
  std::set<std::string> running;
  bool fail_list = false;
  int fail_list_times = 0;                  // the next N lists fail
  std::map<std::string, int> fail_inspect;  // id -> how many more inspects fail (bad JSON)

  // Scripted event streams: each call to stream_events plays the next script.
  struct Script {
    std::vector<DockerEvent> events;
    bool connect = true;
    bool hold = false;  // block until cancelled after playing
  };
  std::deque<Script> scripts;
  std::vector<std::optional<std::int64_t>> since_seen;

  std::vector<std::string> list_containers(const std::vector<std::string>&) override {
    std::lock_guard lock(mu_);
    if (fail_list) throw DockerError("docker unix:///fake: HTTP 500: boom");
    if (fail_list_times > 0) {
      --fail_list_times;
      throw DockerError("docker unix:///fake: bad container list JSON: unexpected end of input");
    }
    return {running.begin(), running.end()};
  }
  std::optional<json> inspect(const std::string& id) override {
    std::lock_guard lock(mu_);
    if (auto f = fail_inspect.find(id); f != fail_inspect.end() && f->second > 0) {
      --f->second;
      throw DockerError("docker unix:///fake: bad inspect JSON: [json.exception.parse_error.101] truncated");
    }
    auto it = containers.find(id);
    if (it == containers.end()) return std::nullopt;
    return it->second;
  }
  std::string stream_events(std::optional<std::int64_t> since, EventSink& sink) override {
    Script s;
    {
      std::unique_lock lock(mu_);
      since_seen.push_back(since);
      if (cancelled_) return "cancelled";
      if (scripts.empty()) {
        s.hold = true;  // behave like an idle, connected stream
      } else {
        s = scripts.front();
        scripts.pop_front();
      }
    }
    if (!s.connect) return "unix:///fake: connect: Connection refused";
    sink.on_connected();
    for (auto& e : s.events) sink.on_event(e);
    if (s.hold) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return cancelled_; });
      return "cancelled";
    }
    return "end of stream";
  }
  void cancel_events() override {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
};

}  // namespace regtest
