#include "fakes/docker/state_snapshot.hpp"

#include "fakes/docker/api/create_request.hpp"
#include "fakes/docker/engine/docker_error.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

namespace fakes::docker {

namespace {

using nlohmann::json;

bool is_hex_id(const std::string& id) {
  return id.size() == 64 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string text_at(const json& object, const char* field) {
  const auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::int64_t time_at(const json& object, const char* field, const std::string& where) {
  const auto text = text_at(object, field);
  if (text.empty()) return 0;
  const auto nanos = parse_rfc3339_nanos(text);
  if (!nanos) throw StateFileError(where + "." + field + ": \"" + text + "\" is not an RFC 3339 time");
  return *nanos;
}

RestoredContainer parse_one(const json& doc, const std::string& where) {
  if (!doc.is_object()) throw StateFileError(where + ": expected an inspect object, got " + std::string(doc.type_name()));
  RestoredContainer r;
  r.id = text_at(doc, "Id");
  if (!is_hex_id(r.id)) throw StateFileError(where + ".Id: expected 64 hex digits, got \"" + r.id + "\"");
  std::string name = text_at(doc, "Name");
  if (name.starts_with("/")) name.erase(0, 1);
  if (name.empty()) throw StateFileError(where + ".Name: missing");
  const auto config = doc.find("Config");
  if (config == doc.end() || !config->is_object()) throw StateFileError(where + ".Config: missing");
  // Config plus HostConfig is the body `docker run` sent to create it: reuse create's reader.
  json create = *config;
  if (auto hc = doc.find("HostConfig"); hc != doc.end()) create["HostConfig"] = *hc;
  try {
    r.spec = parse_create_request(create.dump(), name);
  } catch (const DockerError& e) {
    throw StateFileError(where + ": " + e.what());
  }
  r.created = time_at(doc, "Created", where);

  const json state = doc.value("State", json::object());
  if (!state.is_object()) throw StateFileError(where + ".State: expected an object");
  r.status = state.value("Status", std::string("created"));
  static const std::set<std::string> statuses{"created", "running", "paused", "restarting", "exited", "dead", "removing"};
  if (!statuses.count(r.status)) throw StateFileError(where + ".State.Status: unknown status \"" + r.status + "\"");
  if (r.status == "restarting") r.status = "running";  // it is coming back
  if (r.status == "removing") r.status = "exited";
  if (auto code = state.find("ExitCode"); code != state.end() && code->is_number_integer()) r.exit_code = code->get<int>();
  r.started_at = time_at(state, "StartedAt", where + ".State");
  r.finished_at = time_at(state, "FinishedAt", where + ".State");

  const json settings = doc.value("NetworkSettings", json::object());
  if (settings.is_object()) {
    if (auto nets = settings.find("Networks"); nets != settings.end() && nets->is_object())
      for (const auto& [network, endpoint] : nets->items())
        r.ips[network] = endpoint.is_object() ? text_at(endpoint, "IPAddress") : std::string{};
    if (auto ports = settings.find("Ports"); ports != settings.end() && ports->is_object())
      for (const auto& [port, bindings] : ports->items()) {
        if (!bindings.is_array()) continue;
        for (const auto& b : bindings)
          if (b.is_object()) r.published[port].push_back({text_at(b, "HostIp"), text_at(b, "HostPort")});
      }
  }
  return r;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_nanos(const std::string& text) {
  int year, month, day, hour, minute, second, used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &used) != 6 ||
      used != 19)
    return std::nullopt;
  if (year <= 1) return 0;  // Go's zero time: never
  std::size_t pos = 19;
  std::int64_t fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    int digits = 0;
    for (++pos; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])); ++pos, ++digits)
      if (digits < 9) fraction = fraction * 10 + (text[pos] - '0');
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) fraction *= 10;
  }
  int offset_seconds = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2 || text.size() != pos + 6) return std::nullopt;
    offset_seconds = (text[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else if (pos + 1 != text.size() || text[pos] != 'Z') {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::int64_t seconds = static_cast<std::int64_t>(::timegm(&tm)) - offset_seconds;
  return seconds * 1'000'000'000 + fraction;
}

std::vector<RestoredContainer> parse_state_snapshot(const std::string& text, const std::string& source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // syntax, and numbers beyond double
    throw StateFileError(source + ": not JSON: " + e.what());
  }
  if (!doc.is_array())
    throw StateFileError(source + ": expected the JSON array that `docker inspect $(docker ps -aq)` prints");
  std::vector<RestoredContainer> out;
  std::set<std::string> ids, names;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const std::string where = source + ": [" + std::to_string(i) + "]";
    auto r = parse_one(doc[i], where);
    if (!ids.insert(r.id).second) throw StateFileError(where + ".Id: " + r.id + " appears twice");
    if (!names.insert(r.spec.name).second) throw StateFileError(where + ".Name: /" + r.spec.name + " appears twice");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<RestoredContainer> load_state_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw StateFileError(path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_state_snapshot(text.str(), path);
}

}  // namespace fakes::docker
