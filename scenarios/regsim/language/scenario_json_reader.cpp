#include "scenarios/regsim/language/scenario_json_reader.hpp"

#include "scenarios/regsim/language/json_line_index.hpp"

namespace regsim {

ScenarioError::ScenarioError(std::string path, const std::string& detail)
    : std::runtime_error((path.empty() ? std::string("(top level)") : path) + ": " + detail),
      path_(std::move(path)),
      detail_(detail) {}

std::string describe_json(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::string: {
      std::string s = value.dump();
      if (s.size() > 60) s = s.substr(0, 57) + "...\"";
      return s;
    }
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return "the number " + value.dump();
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    default: return "an unsupported value";
  }
}

FieldReader::FieldReader(const nlohmann::json& object, std::string path) : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) throw ScenarioError(path_, "expected an object, got " + describe_json(object_));
}

std::string FieldReader::path_of(const std::string& key) const { return path_key(path_, key); }

bool FieldReader::has(const std::string& key) const { return object_.contains(key); }

const nlohmann::json* FieldReader::get(const std::string& key) {
  read_.insert(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

std::string FieldReader::required_string(const std::string& key) {
  auto value = optional_string(key);
  if (!value) throw ScenarioError(path_of(key), "required string is missing");
  return *value;
}

std::optional<std::string> FieldReader::optional_string(const std::string& key) {
  const auto* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw ScenarioError(path_of(key), "expected a string, got " + describe_json(*v));
  if (v->get_ref<const std::string&>().empty()) throw ScenarioError(path_of(key), "must not be empty");
  return v->get<std::string>();
}

std::optional<int> FieldReader::optional_int(const std::string& key, int min, int max) {
  const auto* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer())
    throw ScenarioError(path_of(key), "expected an integer, got " + describe_json(*v));
  const auto n = v->get<long long>();
  if (n < min || n > max)
    throw ScenarioError(path_of(key), "expected an integer in " + std::to_string(min) + ".." + std::to_string(max) +
                                          ", got " + std::to_string(n));
  return static_cast<int>(n);
}

std::optional<bool> FieldReader::optional_bool(const std::string& key) {
  const auto* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) throw ScenarioError(path_of(key), "expected true or false, got " + describe_json(*v));
  return v->get<bool>();
}

const nlohmann::json* FieldReader::array(const std::string& key, bool required) {
  const auto* v = get(key);
  if (!v) {
    if (required) throw ScenarioError(path_of(key), "required array is missing");
    return nullptr;
  }
  if (!v->is_array()) throw ScenarioError(path_of(key), "expected an array, got " + describe_json(*v));
  return v;
}

const nlohmann::json* FieldReader::object(const std::string& key, bool required) {
  const auto* v = get(key);
  if (!v) {
    if (required) throw ScenarioError(path_of(key), "required object is missing");
    return nullptr;
  }
  if (!v->is_object()) throw ScenarioError(path_of(key), "expected an object, got " + describe_json(*v));
  return v;
}

std::optional<std::string> FieldReader::optional_choice(const std::string& key,
                                                        const std::vector<std::string>& choices) {
  auto value = optional_string(key);
  if (!value) return std::nullopt;
  std::string list;
  for (const auto& c : choices) {
    if (c == *value) return value;
    list += (list.empty() ? "" : ", ") + c;
  }
  throw ScenarioError(path_of(key), "expected one of " + list + ", got \"" + *value + "\"");
}

void FieldReader::reject_unknown() const {
  std::string known;
  for (const auto& k : read_) known += (known.empty() ? "" : ", ") + k;
  for (const auto& [key, value] : object_.items())
    if (!read_.count(key)) throw ScenarioError(path_of(key), "unknown key (known here: " + known + ")");
}

}  // namespace regsim
