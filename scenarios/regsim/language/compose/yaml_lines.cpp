#include "scenarios/regsim/language/compose/yaml_lines.hpp"

#include "scenarios/regsim/language/compose/yaml_subset.hpp"

#include <algorithm>
#include <string_view>

namespace regsim::compose::detail {
namespace {

// Where a line's comment starts, and whether a tab stands outside a quoted string (PyYAML, what
// docker-compose reads with, allows tabs only there). Quotes count only where a scalar starts
// (`"a"`, `- 'b'`, `k: "c"`, `[x, "d"]`): inside a plain scalar (`9["e" #f`) a quote is a
// character and " #" still starts a comment, as YAML reads it.
struct LineScan {
  std::size_t comment = std::string::npos;
  bool tab_outside_quotes = false;
};

LineScan scan_line(const std::string& text) {
  LineScan out;
  bool token_start = true;  // a scalar or collection may start here
  int flow = 0;             // depth of [ ] and { }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char prev = i ? text[i - 1] : ' ';
    const char next = i + 1 < text.size() ? text[i + 1] : ' ';
    if (c == '\t') out.tab_outside_quotes = true;
    if (blank(c)) continue;
    if (c == '#' && blank(prev)) {
      out.comment = i;
      return out;
    }
    if (token_start && (c == '"' || c == '\'')) {
      for (++i; i < text.size(); ++i) {  // to the closing quote; an unclosed one is read_quoted's to report
        if (c == '"' && text[i] == '\\') ++i;
        else if (text[i] == c && c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;
        else if (text[i] == c) break;
      }
      token_start = false;
      continue;
    }
    if (token_start && (c == '[' || c == '{')) {
      ++flow;
      continue;
    }
    if (flow > 0 && (c == ']' || c == '}')) {
      --flow;
      token_start = false;
    } else if ((flow > 0 && c == ',') || (c == ':' && blank(next)) || (token_start && (c == '-' || c == '?') && blank(next)) ||
               (flow > 0 && c == ':' && std::string_view(",]}").find(next) != std::string_view::npos)) {
      token_start = true;
    } else {
      token_start = false;
    }
  }
  return out;
}

}  // namespace

std::vector<Line> split_lines(std::string_view input) {
  if (input.size() > kMaxYamlBytes)
    throw YamlError(1, "the file is larger than " + std::to_string(kMaxYamlBytes) + " bytes");
  if (input.starts_with("\xEF\xBB\xBF")) input.remove_prefix(3);
  std::vector<Line> out;
  int number = 0;
  std::size_t start = 0;
  while (start <= input.size()) {
    auto end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    std::string raw(input.substr(start, end - start));
    start = end + 1;
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.find('\0') != std::string::npos) throw YamlError(number, "a NUL byte");
    std::size_t indent = 0;
    while (indent < raw.size() && raw[indent] == ' ') ++indent;
    std::string text = raw.substr(indent);
    const auto scan = scan_line(text);
    text.resize(std::min(text.size(), scan.comment));
    if (!text.empty() && text.front() == '\t') throw YamlError(number, "a tab in the indentation (YAML indents with spaces)");
    if (scan.tab_outside_quotes)
      throw YamlError(number, "a tab outside a quoted string (PyYAML, which docker-compose reads with, refuses it too)");
    while (!text.empty() && blank(text.back())) text.pop_back();
    if (text.empty()) continue;
    if (text.front() == '%') throw YamlError(number, "YAML directives (%) are not supported");
    if (text == "---" && indent == 0) {
      if (!out.empty()) throw YamlError(number, "a second YAML document (---): a compose file is one document");
      continue;
    }
    if (text == "..." && indent == 0) throw YamlError(number, "a document end marker (...) is not supported");
    out.push_back({number, static_cast<int>(indent), std::move(text)});
    if (start > input.size()) break;
  }
  return out;
}

}  // namespace regsim::compose::detail
