#pragma once
// Reading one JSON object of the scenario with errors that name the JSON path of the offending
// value, and rejection of unknown keys (a misspelt "pubish" must not be silently ignored).

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace regsim {

/// A schema error: `path` is where ("steps[2].publish[0]"), `what()` is "path: detail".
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string path, const std::string& detail);
  const std::string& path() const { return path_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string path_;
  std::string detail_;
};

/// Short description of a JSON value for messages: "a number (5)", "\"x\"", "an object".
std::string describe_json(const nlohmann::json& value);

class FieldReader {
 public:
  /// Throws ScenarioError unless `object` is a JSON object.
  FieldReader(const nlohmann::json& object, std::string path);

  const std::string& path() const { return path_; }
  std::string path_of(const std::string& key) const;
  bool has(const std::string& key) const;
  /// The value at key (marked as read), or nullptr.
  const nlohmann::json* get(const std::string& key);

  std::string required_string(const std::string& key);
  std::optional<std::string> optional_string(const std::string& key);
  std::optional<int> optional_int(const std::string& key, int min, int max);
  std::optional<bool> optional_bool(const std::string& key);
  /// Requires `key` to hold an array (of anything); nullptr when absent and !required.
  const nlohmann::json* array(const std::string& key, bool required);
  const nlohmann::json* object(const std::string& key, bool required);
  /// A string that must be one of `choices`.
  std::optional<std::string> optional_choice(const std::string& key, const std::vector<std::string>& choices);

  /// Throws for the first key that no get/required/optional call asked for.
  void reject_unknown() const;

 private:
  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> read_;
};

}  // namespace regsim
