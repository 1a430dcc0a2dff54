#pragma once
// Reading dig/kdig text output in the conformance tests.
#include <sstream>
#include <string>
#include <vector>

namespace reg::testing {

/// Record lines of dig/kdig output (not comments), whitespace collapsed to single spaces.
inline std::vector<std::string> record_lines(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string word, joined;
    while (words >> word) joined += (joined.empty() ? "" : " ") + word;
    if (!joined.empty() && joined[0] != ';') lines.push_back(joined);
  }
  return lines;
}

}  // namespace reg::testing
