#include "scenarios/regsim/language/scenario_loader.hpp"

#include "scenarios/regsim/language/scenario_json_reader.hpp"
#include "scenarios/regsim/language/json_line_index.hpp"
#include "scenarios/regsim/language/scenario_parser.hpp"

#include <fstream>
#include <sstream>

namespace regsim {
namespace {

// Line and column of a byte offset, 1-based.
std::pair<int, int> position_of(const std::string& text, std::size_t byte) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// nlohmann's message reads "[json.exception.parse_error.101] parse error at line 3, column 5:
// syntax error while ..."; keep only the part after the position, which we print ourselves.
std::string syntax_detail(const std::string& what) {
  const auto column = what.find("column ");
  const auto colon = what.find(": ", column == std::string::npos ? 0 : column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file) {
  const std::string where = file.string();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is one past the offending character.
    const auto [line, column] = position_of(text, e.byte > 0 ? e.byte - 1 : 0);
    throw LoadError(where + ":" + std::to_string(line) + ":" + std::to_string(column) +
                    ": invalid JSON: " + syntax_detail(e.what()));
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond double (1e999): nlohmann does not say where, only what.
    std::string what = e.what();
    if (auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    throw LoadError(where + ": invalid JSON: " + what);
  }
  try {
    Scenario s = parse_scenario(doc, file.parent_path(), file.stem().string());
    s.file = where;
    const JsonLineIndex index(text);
    for (auto& step : s.steps) step.line = index.line_of(step.path);
    return s;
  } catch (const ScenarioError& e) {
    const auto line = JsonLineIndex(text).line_of(e.path());
    throw LoadError(where + (line ? ":" + std::to_string(*line) : std::string{}) + ": " + e.what());
  }
}

Scenario load_scenario(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw LoadError(file.string() + ": cannot read the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw LoadError(file.string() + ": error while reading the scenario file");
  return load_scenario_text(text.str(), file);
}

}  // namespace regsim
