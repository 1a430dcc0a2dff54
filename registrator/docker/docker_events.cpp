// Decoding of one /events object into a DockerEvent (the stream is split by json_stream_splitter).
#include "registrator/docker/docker_client.hpp"

namespace registrator {
namespace {

std::string str_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  return 0;
}

}  // namespace

std::optional<DockerEvent> parse_docker_event(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  DockerEvent e;
  e.type = str_field(j, "Type");
  e.action = str_field(j, "Action");
  if (e.action.empty()) e.action = str_field(j, "status");  // engines before API 1.22
  auto actor = j.find("Actor");
  if (actor != j.end() && actor->is_object()) {
    e.id = str_field(*actor, "ID");
    auto attrs = actor->find("Attributes");
    if (attrs != actor->end() && attrs->is_object()) {
      for (const auto& [k, v] : attrs->items()) {
        if (v.is_string()) e.attributes[k] = v.get<std::string>();
        else if (!v.is_null()) e.attributes[k] = v.dump();
      }
    }
  }
  if (e.id.empty()) e.id = str_field(j, "id");
  if (e.type.empty() && j.contains("status")) e.type = "container";  // legacy container events have no Type
  e.time = int_field(j, "time");
  e.time_nano = int_field(j, "timeNano");
  if (e.time_nano == 0 && e.time != 0) e.time_nano = e.time * 1'000'000'000;
  if (e.action.empty() || e.id.empty()) return std::nullopt;
  return e;
}

}  // namespace registrator
