#pragma once
// A bounded reader for the subset of YAML that compose files are written in: block mappings
// (`key: value`), block sequences (`- item`, also `- key: value`), one-line flow collections
// (`[a, b]`, `{k: v}`), plain, 'single' and "double" quoted scalars, comments, and anchors with
// aliases (`&name` / `*name`). Scalars are typed as PyYAML (YAML 1.1, what docker-compose 1.29
// reads) types them: null, booleans (true/yes/on...), integers and floats; everything else is a
// string. What the subset leaves out is refused with its line, never guessed at: block scalars
// (`|`, `>`), tags, `?` keys, merge keys (`<<`), multi-line flow collections and plain scalars,
// and unquoted base-60 numbers (`8080:80` is the integer 484880 to PyYAML: quote it).

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace regsim::compose {

/// A YAML error: `line` is 1-based; what() is "line N: detail".
class YamlError : public std::runtime_error {
 public:
  YamlError(int line, const std::string& detail);
  int line() const { return line_; }
  const std::string& detail() const { return detail_; }

 private:
  int line_;
  std::string detail_;
};

struct YamlDocument {
  nlohmann::ordered_json value;  // mappings keep the file's key order
  /// Where each value starts: "services.web.ports[0]" -> line. Keys are joined with '.'.
  std::map<std::string, int> lines;

  /// The line of `path`, or of its nearest ancestor that has one; 0 when none.
  int line_of(const std::string& path) const;
};

/// Limits that keep hostile input bounded.
inline constexpr std::size_t kMaxYamlBytes = 1 << 20;
inline constexpr int kMaxYamlDepth = 64;
inline constexpr std::size_t kMaxYamlNodes = 100000;

/// Throws YamlError for anything outside the subset or not well formed.
YamlDocument read_yaml_subset(std::string_view text);

}  // namespace regsim::compose
