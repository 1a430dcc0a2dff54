#include "registrator/docker/docker_http_client.hpp"

#include <stdexcept>

#include "registrator/docker/fast_json.hpp"
#include "registrator/docker/json_stream_splitter.hpp"
#include "registrator/app/log.hpp"

namespace registrator {

DockerHttpClient::DockerHttpClient(http::Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout), client_(endpoint_) {}

http::Endpoint DockerHttpClient::endpoint_from_docker_host(const std::string& docker_host) {
  std::string h = docker_host.empty() ? "unix:///tmp/docker.sock" : docker_host;
  if (h.rfind("unix://", 0) == 0) {
    std::string path = h.substr(7);
    if (path.empty()) throw std::invalid_argument("invalid DOCKER_HOST: " + h);
    return http::Endpoint::unix_socket(path);
  }
  if (h.rfind("tcp://", 0) == 0 || h.rfind("http://", 0) == 0) {
    std::string rest = h.substr(h.find("://") + 3);
    rest = rest.substr(0, rest.find('/'));
    std::string host = rest, port = "2375";
    if (!rest.empty() && rest[0] == '[') {  // [v6]:port
      auto close = rest.find(']');
      if (close == std::string::npos) throw std::invalid_argument("invalid DOCKER_HOST: " + h);
      host = rest.substr(1, close - 1);
      if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
    } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    if (host.empty() || port.empty()) throw std::invalid_argument("invalid DOCKER_HOST: " + h);
    return http::Endpoint::tcp(host, port);
  }
  throw std::invalid_argument("invalid DOCKER_HOST (want unix:// or tcp://): " + h);
}

http::Response DockerHttpClient::call(const std::string& target) {
  http::Request req;
  req.target = target;
  try {
    return client_.send(req, timeout_);
  } catch (const http::TransportError& e) {
    throw DockerError(std::string("docker ") + e.what());
  }
}

std::string DockerHttpClient::error_message(const http::Response& r) const {
  std::string msg = r.body;
  try {
    auto j = nlohmann::json::parse(r.body);
    if (j.is_object() && j.contains("message") && j["message"].is_string()) msg = j["message"].get<std::string>();
  } catch (const nlohmann::json::exception&) {
  }
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
  return "docker " + endpoint_.describe() + ": HTTP " + std::to_string(r.status) + ": " + msg;
}

std::vector<std::string> DockerHttpClient::list_containers(const std::vector<std::string>& status) {
  std::string target = "/containers/json";
  if (!status.empty()) {
    nlohmann::json f;
    f["status"] = status;
    target += "?filters=" + http::escape_query(f.dump());
  }
  auto r = call(target);
  if (r.status != 200) throw DockerError(error_message(r));
  if (auto ids = fast_json::array_ids(r.body)) return std::move(*ids);
  std::vector<std::string> ids;
  try {
    // Only the Ids are kept: a host with 10,000 containers lists ~15 MB of JSON, whose full DOM
    // would be several times that in peak RSS.
    auto ids_only = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
      return !(event == nlohmann::json::parse_event_t::key && depth == 2 && parsed != "Id");
    };
    auto j = nlohmann::json::parse(r.body, ids_only);
    if (!j.is_array()) throw DockerError("docker " + endpoint_.describe() + ": container list is not an array");
    for (const auto& c : j) {
      if (c.is_object() && c.contains("Id") && c["Id"].is_string()) ids.push_back(c["Id"].get<std::string>());
    }
  } catch (const nlohmann::json::exception& e) {
    throw DockerError("docker " + endpoint_.describe() + ": bad container list JSON: " + e.what());
  }
  return ids;
}

namespace {
std::string inspect_target(const std::string& id) { return "/containers/" + http::escape_path_segment(id) + "/json"; }
}  // namespace

std::optional<nlohmann::json> DockerHttpClient::inspect(const std::string& id) {
  return inspect_result(call(inspect_target(id)));
}

std::vector<Inspected> DockerHttpClient::inspect_many(const std::vector<std::string>& ids) {
  std::vector<http::Request> requests(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) requests[i].target = inspect_target(ids[i]);
  auto answers = client_.send_pipelined(requests, timeout_);
  std::vector<Inspected> out(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    try {
      if (answers[i].answered()) {
        out[i].container = inspect_result(*answers[i].response);
      } else if (answers[i].failed()) {
        throw DockerError("docker " + answers[i].error);  // as call() reports it
      } else {
        out[i].container = inspect(ids[i]);
      }
    } catch (...) {
      out[i].error = std::current_exception();
    }
  }
  return out;
}

std::optional<nlohmann::json> DockerHttpClient::inspect_result(const http::Response& r) {
  if (r.status == 404) return std::nullopt;
  if (r.status != 200) throw DockerError(error_message(r));
  try {
    auto fast = keep_only_ ? fast_json::parse_projected(r.body, *keep_only_) : fast_json::parse(r.body);
    auto j = fast ? std::move(*fast) : nlohmann::json::parse(r.body);
    if (!j.is_object()) throw DockerError("docker " + endpoint_.describe() + ": inspect result is not an object");
    return j;
  } catch (const nlohmann::json::exception& e) {
    throw DockerError("docker " + endpoint_.describe() + ": bad inspect JSON: " + e.what());
  }
}

std::string DockerHttpClient::stream_events(std::optional<std::int64_t> since, EventSink& sink) {
  http::Request req;
  req.target = "/events?filters=" + http::escape_query(R"({"type":["container"]})");
  if (since) req.target += "&since=" + std::to_string(*since);
  JsonStreamSplitter splitter;
  http::StreamCallbacks cb;
  cb.on_open = [&] { sink.on_connected(); };
  cb.on_data = [&](std::string_view bytes) {
    for (const auto& text : splitter.feed(bytes)) {
      nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
      if (j.is_discarded()) {
        log::write(log::Level::warn, "docker: ignoring undecodable event: " + text.substr(0, 200),
                   {{"event", "undecodable event"}, {"detail", text.substr(0, 200)}});
        continue;
      }
      if (auto ev = parse_docker_event(j)) sink.on_event(std::move(*ev));
    }
  };
  return client_.stream(req, cb, timeout_);
}

void DockerHttpClient::cancel_events() { client_.cancel_streams(); }

}  // namespace registrator
