#pragma once
// nlohmann::json forgets where a value came from, so schema errors found after parsing could
// only name a JSON path. This index re-reads the (already valid) text once and remembers the
// line on which every value starts, keyed by the same path syntax the parser reports
// ("steps[2].publish[0]"), so an error can say "file.json:14: steps[2].publish[0]: ...".

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace regsim {

/// Appends a key or index to a path the way error messages spell it.
std::string path_key(const std::string& parent, const std::string& key);
std::string path_index(const std::string& parent, std::size_t index);

class JsonLineIndex {
 public:
  /// Indexes `text`; text that is not valid JSON yields a partial (possibly empty) index.
  explicit JsonLineIndex(std::string_view text);
  /// 1-based line of the value at `path`, or of its closest indexed ancestor.
  std::optional<int> line_of(const std::string& path) const;

 private:
  std::map<std::string, int> lines_;
};

}  // namespace regsim
