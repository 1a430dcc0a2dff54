// Scenario parser: values several parts of a scenario hold (durations, container names, hosts,
// datacenters, match modes, fault rules), and the checks of names and templates.
#include "scenarios/regsim/language/parser/scenario_parser_class.hpp"

#include <arpa/inet.h>

#include <cctype>

namespace regsim::parsing {

bool is_ipv4(const std::string& text) {
  in_addr addr{};
  return inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

bool is_simple_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return std::isalnum(static_cast<unsigned char>(name[0]));
}

// Parses every template in `text` and checks that the hosts and containers it names exist.
void check_templates(const std::string& text, const std::string& path, const TemplateScope& scope) {
  try {
    check_template_scope(parse_template(text), scope);
  } catch (const TemplateError& e) {
    throw ScenarioError(path, e.what());
  }
}

void check_templates_in_json(const json& value, const std::string& path, const TemplateScope& scope) {
  if (value.is_string()) {
    check_templates(value.get<std::string>(), path, scope);
  } else if (value.is_object()) {
    for (const auto& [k, v] : value.items()) check_templates_in_json(v, path_key(path, k), scope);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) check_templates_in_json(value[i], path_index(path, i), scope);
  }
}

Duration ScenarioParser::duration_at(const json& value, const std::string& path) {
  const std::string example = "expected a duration like \"5s\", \"500ms\" or \"1m\", got ";
  if (!value.is_string()) throw ScenarioError(path, example + describe_json(value));
  auto d = parse_duration(value.get<std::string>());
  if (!d) throw ScenarioError(path, example + describe_json(value));
  return *d;
}

const json& ScenarioParser::required(FieldReader& r, const std::string& key) {
  const auto* v = r.get(key);
  if (!v) throw ScenarioError(r.path_of(key), "required value is missing");
  return *v;
}

std::string ScenarioParser::templated_string(const json& value, const std::string& path) {
  if (!value.is_string()) throw ScenarioError(path, "expected a string, got " + describe_json(value));
  check_templates(value.get<std::string>(), path, scope_);
  return value.get<std::string>();
}

// Docker wants at least two characters: [a-zA-Z0-9][a-zA-Z0-9_.-]+
std::string ScenarioParser::container_name(FieldReader& r, const std::string& key) {
  auto name = r.required_string(key);
  if (!is_simple_name(name) || name.size() < 2)
    throw ScenarioError(r.path_of(key), "expected a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]+), got \"" +
                                            name + "\"");
  return name;
}

// "host" may be left out when the scenario has one host.
std::string ScenarioParser::host_of(FieldReader& r, const Scenario& s) {
  auto host = r.optional_string("host");
  if (!host) {
    if (s.hosts.size() == 1) return s.hosts[0].name;
    throw ScenarioError(r.path_of("host"), "required when the scenario has more than one host");
  }
  if (!s.find_host(*host)) throw ScenarioError(r.path_of("host"), "no host named \"" + *host + "\"");
  return *host;
}

std::string ScenarioParser::known_container(FieldReader& r, const std::string& key, const std::string& host) {
  const auto name = r.required_string(key);
  if (!scope_.containers.count(host + "/" + name))
    throw ScenarioError(r.path_of(key), "no earlier step runs a container \"" + name + "\" on " + host);
  return name;
}

// A datacenter the consul section declares; "" for the first (the default).
std::string ScenarioParser::known_datacenter(const std::string& dc, const std::string& path, const Scenario& s) {
  const auto& dcs = s.consul.datacenters;
  if (std::find(dcs.begin(), dcs.end(), dc) == dcs.end()) {
    std::string known;
    for (const auto& d : dcs) known += (known.empty() ? "" : ", ") + d;
    throw ScenarioError(path, "no datacenter \"" + dc + "\" (the consul section declares " + known + ")");
  }
  return dc == dcs.front() ? std::string{} : dc;
}

std::string ScenarioParser::optional_datacenter(FieldReader& r, const Scenario& s) {
  auto dc = r.optional_string("datacenter");
  return dc ? known_datacenter(*dc, r.path_of("datacenter"), s) : std::string{};
}

MatchMode ScenarioParser::match_mode(FieldReader& r) {
  return r.optional_choice("match", {"exactly", "contains"}).value_or("exactly") == "contains" ? MatchMode::contains
                                                                                              : MatchMode::exactly;
}

// The fault rule of a consul_fault or docker_fault step, in the fakes' /_fake/faults shape
// ({method, path, status, body, action, delay_ms, count}), and how long it is held (if given).
// `message_key`: the step key whose text becomes the error body ("" = none).
std::pair<json, std::optional<Duration>> ScenarioParser::parse_fault(FieldReader& r, const std::string& message_key) {
  json rule = json::object();
  if (auto method = r.optional_choice("method", {"GET", "PUT", "POST", "DELETE"})) rule["method"] = *method;
  const auto path = r.required_string("path");
  if (!path.starts_with("/"))
    throw ScenarioError(r.path_of("path"), "expected a path prefix starting with '/', got \"" + path + "\"");
  rule["path"] = path;
  rule["status"] = r.optional_int("status", 100, 599).value_or(500);
  if (!message_key.empty())
    if (auto message = r.optional_string(message_key)) rule["body"] = *message;
  const auto action_kind = r.optional_choice("fault", {"respond", "drop", "hang", "delay"});
  if (action_kind) rule["action"] = *action_kind;
  if (const auto* delay = r.get("delay")) {
    if (action_kind != "delay") throw ScenarioError(r.path_of("delay"), "\"delay\" goes with \"fault\": \"delay\"");
    const auto d = duration_at(*delay, r.path_of("delay"));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms < 1 || ms > 600000)
      throw ScenarioError(r.path_of("delay"), "expected a delay between 1ms and 10m, got \"" + format_duration(d) + "\"");
    rule["delay_ms"] = ms;
  } else if (action_kind == "delay") {
    throw ScenarioError(r.path_of("delay"), "\"fault\": \"delay\" needs a \"delay\" duration, e.g. \"500ms\"");
  }
  const auto count = r.optional_int("count", 1, 1 << 30);
  if (count) rule["count"] = *count;
  std::optional<Duration> duration;
  if (const auto* d = r.get("duration")) duration = duration_at(*d, r.path_of("duration"));
  if (count && duration)
    throw ScenarioError(r.path(), "give \"count\" (the next N matching requests) or \"duration\", not both");
  return {rule, duration};
}

}  // namespace regsim::parsing
