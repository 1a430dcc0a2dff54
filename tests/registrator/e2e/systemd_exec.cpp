#include "tests/registrator/e2e/systemd_exec.hpp"

#include <regex>
#include <sstream>
#include <stdexcept>

namespace regtest::systemd {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// Splits at unquoted whitespace; quotes group and are removed (systemd's extract_first_word).
std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (const char c : line) {
    if (quote) {
      if (c == quote) quote = 0;
      else word.push_back(c);
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (quote) throw std::runtime_error("unterminated quote in: " + line);
  if (in_word) words.push_back(word);
  return words;
}

bool is_name(const std::string& s) { return std::regex_match(s, std::regex("[A-Za-z_][A-Za-z0-9_]*")); }

}  // namespace

std::vector<std::pair<std::string, std::string>> service_keys(const std::string& unit_text) {
  std::vector<std::pair<std::string, std::string>> keys;
  std::istringstream in(unit_text);
  std::string line;
  bool in_service = false;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      in_service = line == "[Service]";
      continue;
    }
    const auto eq = line.find('=');
    if (in_service && eq != std::string::npos) keys.emplace_back(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
  }
  return keys;
}

std::optional<std::string> service_key(const std::string& unit_text, const std::string& key) {
  std::optional<std::string> value;
  for (const auto& [k, v] : service_keys(unit_text))
    if (k == key) value = v;
  return value;
}

std::map<std::string, std::string> read_environment_file(const std::string& text) {
  std::map<std::string, std::string> env;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    env[trim(line.substr(0, eq))] = value;
  }
  return env;
}

std::vector<std::string> expand_exec_start(const std::string& exec_start, const std::map<std::string, std::string>& env) {
  std::string line = exec_start;
  while (!line.empty() && (line[0] == '-' || line[0] == '+' || line[0] == '!' || line[0] == '@')) {
    if (line[0] == '@') throw std::runtime_error("ExecStart with '@' (argv[0] override) is not handled: " + exec_start);
    line.erase(0, 1);
  }
  const auto value_of = [&](const std::string& name) {
    const auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  };
  std::vector<std::string> argv;
  for (const std::string& word : split_words(line)) {
    if (word.size() > 1 && word[0] == '$' && is_name(word.substr(1))) {
      std::istringstream parts(value_of(word.substr(1)));
      for (std::string part; parts >> part;) argv.push_back(part);
      continue;
    }
    std::string out;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (word[i] == '$' && i + 1 < word.size() && word[i + 1] == '$') {
        out.push_back('$');
        ++i;
      } else if (word[i] == '$' && i + 1 < word.size() && word[i + 1] == '{') {
        const auto close = word.find('}', i);
        if (close == std::string::npos) throw std::runtime_error("unterminated ${ in: " + exec_start);
        out += value_of(word.substr(i + 2, close - i - 2));
        i = close;
      } else {
        out.push_back(word[i]);
      }
    }
    argv.push_back(out);
  }
  return argv;
}

std::chrono::seconds timeout_stop(const std::string& unit_text) {
  const auto value = service_key(unit_text, "TimeoutStopSec");
  if (!value) return std::chrono::seconds(90);
  std::chrono::seconds total{0};
  static const std::regex part(R"((\d+)\s*(min|s)?)");
  for (std::sregex_iterator it(value->begin(), value->end(), part), end; it != end; ++it) {
    const long n = std::stol((*it)[1].str());
    total += (*it)[2].str() == "min" ? std::chrono::seconds(n * 60) : std::chrono::seconds(n);
  }
  return total;
}

}  // namespace regtest::systemd
