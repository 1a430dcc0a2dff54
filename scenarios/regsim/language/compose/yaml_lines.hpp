#pragma once
// The YAML subset's first pass (yaml_subset.hpp): the text cut into the lines that carry content,
// each with its indentation, without its comment and trailing blanks; the file-level refusals
// (size, NUL bytes, tabs outside quotes, directives, several documents) made here. Internal to
// language/compose/.

#include <string>
#include <string_view>
#include <vector>

namespace regsim::compose::detail {

struct Line {
  int number = 0;  // 1-based, in the file
  int indent = 0;  // leading spaces
  std::string text;
};

inline bool blank(char c) { return c == ' ' || c == '\t'; }

/// Throws YamlError for what cannot be read line by line.
std::vector<Line> split_lines(std::string_view input);

}  // namespace regsim::compose::detail
