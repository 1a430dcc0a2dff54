#include "scenarios/regsim/language/json_line_index.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

namespace regsim {

std::string path_key(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string path_index(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

namespace {

// A minimal recursive walker over valid JSON text; on anything unexpected it stops quietly
// (the index is a convenience for error messages, never a validator).
class Walker {
 public:
  Walker(std::string_view text, std::map<std::string, int>& lines) : text_(text), lines_(lines) {}

  void walk() { value(""); }

 private:
  bool skip_ws() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    return pos_ < text_.size();
  }

  // Returns the decoded string at pos_ (which must be '"') and moves past it.
  std::optional<std::string> string_token() {
    const std::size_t start = pos_;
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') ++pos_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return std::nullopt;
    ++pos_;
    try {
      return nlohmann::json::parse(text_.substr(start, pos_ - start)).get<std::string>();
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;
    }
  }

  bool value(const std::string& path) {
    if (depth_ > 200 || !skip_ws()) return false;
    lines_.emplace(path, line_);
    const char c = text_[pos_];
    if (c == '{') return object(path);
    if (c == '[') return array(path);
    if (c == '"') return string_token().has_value();
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ']' &&
           !std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
    return true;
  }

  bool object(const std::string& path) {
    ++pos_;
    ++depth_;
    for (;;) {
      if (!skip_ws()) return false;
      if (text_[pos_] == '}') break;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] != '"') return false;
      auto key = string_token();
      if (!key || !skip_ws() || text_[pos_] != ':') return false;
      ++pos_;
      if (!value(path_key(path, *key))) return false;
    }
    ++pos_;
    --depth_;
    return true;
  }

  bool array(const std::string& path) {
    ++pos_;
    ++depth_;
    std::size_t index = 0;
    for (;;) {
      if (!skip_ws()) return false;
      if (text_[pos_] == ']') break;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (!value(path_index(path, index++))) return false;
    }
    ++pos_;
    --depth_;
    return true;
  }

  std::string_view text_;
  std::map<std::string, int>& lines_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int depth_ = 0;
};

}  // namespace

JsonLineIndex::JsonLineIndex(std::string_view text) { Walker(text, lines_).walk(); }

std::optional<int> JsonLineIndex::line_of(const std::string& path) const {
  std::string p = path;
  for (;;) {
    if (auto it = lines_.find(p); it != lines_.end()) return it->second;
    if (p.empty()) return std::nullopt;
    // Drop the last ".key" or "[i]" and try the parent.
    const auto cut = p.find_last_of(".[");
    p = cut == std::string::npos ? std::string{} : p.substr(0, cut);
  }
}

}  // namespace regsim
