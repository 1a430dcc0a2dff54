#include "fakes/docker/filters/filter_args.hpp"

#include "fakes/docker/engine/docker_error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fakes::docker {

FilterArgs parse_filter_args(const std::string& json_text) {
  FilterArgs args;
  if (json_text.empty()) return args;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {  // syntax, and numbers beyond double
    throw bad_parameter(std::string("invalid filter: filters is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw bad_parameter("invalid filter: filters must be a JSON object");
  for (const auto& [key, value] : j.items()) {
    auto& values = args[key];
    if (value.is_object()) {
      for (const auto& [v, enabled] : value.items()) {
        if (!enabled.is_boolean()) throw bad_parameter("invalid filter: value of '" + key + "' must map to true");
        if (enabled.get<bool>()) values.push_back(v);
      }
    } else if (value.is_array()) {
      for (const auto& v : value) {
        if (!v.is_string()) throw bad_parameter("invalid filter: values of '" + key + "' must be strings");
        values.push_back(v.get<std::string>());
      }
    } else {
      throw bad_parameter("invalid filter: '" + key + "' must be an object or an array");
    }
  }
  return args;
}

void require_known_filters(const FilterArgs& args, const std::vector<std::string>& allowed) {
  for (const auto& [key, _] : args)
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw bad_parameter("invalid filter '" + key + "'");
}

bool labels_match(const std::vector<std::string>& wanted, const std::map<std::string, std::string>& labels) {
  // Every label filter must hold (they are ANDed, unlike other filter values).
  for (const auto& w : wanted) {
    auto eq = w.find('=');
    if (eq == std::string::npos) {
      if (!labels.count(w)) return false;
    } else {
      auto it = labels.find(w.substr(0, eq));
      if (it == labels.end() || it->second != w.substr(eq + 1)) return false;
    }
  }
  return true;
}

}  // namespace fakes::docker
