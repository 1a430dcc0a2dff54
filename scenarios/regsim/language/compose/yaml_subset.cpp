#include "scenarios/regsim/language/compose/yaml_subset.hpp"

#include "scenarios/regsim/language/compose/yaml_lines.hpp"
#include "scenarios/regsim/language/compose/yaml_scalar.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>
#include <vector>

namespace regsim::compose {

YamlError::YamlError(int line, const std::string& detail)
    : std::runtime_error("line " + std::to_string(line) + ": " + detail), line_(line), detail_(detail) {}

int YamlDocument::line_of(const std::string& path) const {
  std::string p = path;
  while (!p.empty()) {
    if (auto it = lines.find(p); it != lines.end()) return it->second;
    const auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p.resize(cut);
  }
  return 0;
}

namespace {

using Json = nlohmann::ordered_json;
using detail::blank;
using detail::Line;
using detail::read_quoted;
using detail::split_lines;
using detail::type_plain;

bool is_item(std::string_view text) { return text == "-" || text.starts_with("- ") || text.starts_with("-\t"); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// A plain key must read as a string: YAML reads `~:`, `yes:` or `80:` as null, true and 80.
void plain_key(std::string_view key, int at, bool flow) {
  if (!type_plain(key, at, flow).is_string())
    throw YamlError(at, "the key " + std::string(key) + " is not a string in YAML 1.1: quote it");
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

class Parser {
 public:
  Parser(std::vector<Line> lines, YamlDocument& doc) : lines_(std::move(lines)), doc_(doc) {}

  Json document() {
    if (lines_.empty()) return nullptr;
    Json v = block(lines_[0].indent, "", 0);
    if (i_ < lines_.size())
      throw YamlError(lines_[i_].number, "indented less than the document's first line");
    return v;
  }

 private:
  const Line& line() const { return lines_[i_]; }

  void count(std::size_t n, int at) {
    nodes_ += n;
    if (nodes_ > kMaxYamlNodes) throw YamlError(at, "more than " + std::to_string(kMaxYamlNodes) + " values");
  }

  void check_depth(int depth, int at) const {
    if (depth > kMaxYamlDepth) throw YamlError(at, "nested deeper than " + std::to_string(kMaxYamlDepth) + " levels");
  }

  // `key: rest` -> {key, rest}; nullopt when the text is not a mapping entry.
  std::optional<std::pair<std::string, std::string>> split_key(std::string_view text, int at) const {
    if (text.starts_with("? ") || text == "?") throw YamlError(at, "complex keys (? ) are not supported");
    std::string key;
    std::size_t colon = std::string_view::npos;
    if (text.front() == '"' || text.front() == '\'') {
      std::size_t pos = 0;
      key = read_quoted(text, pos, at);
      while (pos < text.size() && blank(text[pos])) ++pos;
      if (pos >= text.size() || text[pos] != ':') return std::nullopt;
      colon = pos;
    } else {
      if (std::string_view("[{*&!|>").find(text.front()) != std::string_view::npos) return std::nullopt;
      for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == ':' && (i + 1 == text.size() || blank(text[i + 1]))) {
          colon = i;
          break;
        }
      if (colon == std::string_view::npos) return std::nullopt;
      key = std::string(trim(text.substr(0, colon)));
      if (key.empty()) throw YamlError(at, "an empty key");
      plain_key(key, at, false);
    }
    if (colon + 1 < text.size() && !blank(text[colon + 1])) return std::nullopt;
    return std::make_pair(key, std::string(trim(text.substr(colon + 1))));
  }

  // "&name rest" -> name, leaving rest in `text`.
  static std::optional<std::string> take_anchor(std::string_view& text, int at) {
    if (!text.starts_with("&")) return std::nullopt;
    std::size_t end = 1;
    while (end < text.size() && !blank(text[end])) ++end;
    std::string name(text.substr(1, end - 1));
    check_anchor_name(name, "&", at);
    text = trim(text.substr(end));
    return name;
  }

  Json block(int indent, const std::string& path, int depth) {
    check_depth(depth, line().number);
    if (is_item(line().text)) return sequence(indent, path, depth);
    if (split_key(line().text, line().number)) return mapping(indent, path, depth);
    // A lone value on its own line (`command:` then the command, indented, below).
    const Line here = line();
    ++i_;
    if (i_ < lines_.size() && lines_[i_].indent >= indent)
      throw YamlError(lines_[i_].number, "multi-line plain values are not supported: put the value on one line, quoted");
    return inline_value(here.text, here.number, depth);
  }

  Json mapping(int indent, const std::string& path, int depth) {
    Json obj = Json::object();
    count(1, line().number);
    while (i_ < lines_.size() && lines_[i_].indent >= indent) {
      const Line here = line();
      if (here.indent > indent) throw YamlError(here.number, "indented more than the keys above it");
      if (is_item(here.text)) throw YamlError(here.number, "a '- ' item where a 'key: value' was expected");
      auto kv = split_key(here.text, here.number);
      if (!kv) throw YamlError(here.number, "expected 'key: value', got \"" + here.text + "\"");
      const auto& [key, rest] = *kv;
      if (key == "<<") throw YamlError(here.number, "merge keys (<<) are not supported");
      if (obj.contains(key)) throw YamlError(here.number, "duplicate key \"" + key + "\"");
      ++i_;
      const auto child = join(path, key);
      doc_.lines[child] = here.number;
      obj[key] = value_after(rest, indent, here.number, child, depth + 1, true);
    }
    return obj;
  }

  Json sequence(int indent, const std::string& path, int depth) {
    Json list = Json::array();
    count(1, line().number);
    while (i_ < lines_.size() && lines_[i_].indent >= indent) {
      Line& here = lines_[i_];
      if (here.indent > indent) throw YamlError(here.number, "indented more than the '- ' items above it");
      if (!is_item(here.text)) break;  // the enclosing mapping goes on
      std::size_t offset = 1;
      while (offset < here.text.size() && blank(here.text[offset])) ++offset;
      std::string_view item = std::string_view(here.text).substr(offset);
      const auto child = path + "[" + std::to_string(list.size()) + "]";
      doc_.lines[child] = here.number;
      const auto anchor = take_anchor(item, here.number);
      Json value;
      if (!item.empty() && (is_item(item) || split_key(item, here.number))) {
        // `- key: value` / `- - x`: a collection that starts on the item's line; its entries line up
        // with the text after "- ".
        const int inner = here.indent + static_cast<int>(here.text.size() - item.size());
        here = Line{here.number, inner, std::string(item)};
        value = block(inner, child, depth + 1);
      } else {
        const int at = here.number;
        ++i_;
        value = value_after(item, indent, at, child, depth + 1, false);
      }
      if (anchor) anchors_[*anchor] = value;
      list.push_back(std::move(value));
    }
    return list;
  }

  // The value after "key:" or "- " on line `at`: inline, or a block on the following lines.
  Json value_after(std::string_view rest, int indent, int at, const std::string& path, int depth, bool in_mapping) {
    check_depth(depth, at);
    const auto anchor = take_anchor(rest, at);
    Json value;
    if (rest.empty()) {
      if (i_ < lines_.size() && lines_[i_].indent > indent) value = block(lines_[i_].indent, path, depth);
      // YAML lets a mapping's sequence value sit at the key's own indentation.
      else if (in_mapping && i_ < lines_.size() && lines_[i_].indent == indent && is_item(lines_[i_].text))
        value = sequence(indent, path, depth);
      else value = nullptr;
    } else {
      value = inline_value(rest, at, depth);
      if (i_ < lines_.size() && lines_[i_].indent > indent && !is_item(lines_[i_].text) &&
          !split_key(lines_[i_].text, lines_[i_].number))
        throw YamlError(lines_[i_].number, "multi-line plain values are not supported: put the value on one line, quoted");
    }
    if (anchor) anchors_[*anchor] = value;
    return value;
  }

  // PyYAML's rule for anchor and alias names.
  static void check_anchor_name(std::string_view name, const char* sigil, int at) {
    const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!ok) throw YamlError(at, std::string("expected a name of letters, digits, '-' and '_' after ") + sigil + ", got \"" +
                                     std::string(name.substr(0, 40)) + "\"");
  }

  Json alias(std::string_view name, int at) {
    check_anchor_name(name, "*", at);
    auto it = anchors_.find(std::string(name));
    if (name.empty() || it == anchors_.end()) throw YamlError(at, "alias *" + std::string(name) + " names no earlier anchor");
    // Each use is a copy: count it, so nested aliases cannot multiply without bound.
    std::size_t n = 0;
    auto count_nodes = [&](auto&& self, const Json& v) -> void {
      ++n;
      if (n > kMaxYamlNodes) return;
      if (v.is_structured())
        for (const auto& c : v) self(self, c);
    };
    count_nodes(count_nodes, it->second);
    count(n, at);
    return it->second;
  }

  Json inline_value(std::string_view text, int at, int depth) {
    check_depth(depth, at);
    text = trim(text);
    if (text.empty()) return nullptr;
    const char c = text.front();
    if (c == '*') return alias(text.substr(1), at);
    if (c == '&') throw YamlError(at, "an anchor (&) must come first, before the value");
    if (c == '!') throw YamlError(at, "tags (!) are not supported");
    if (c == '|' || c == '>') throw YamlError(at, "block scalars (| and >) are not supported: write the value on one line, quoted");
    if (c == '@' || c == '`') throw YamlError(at, std::string("a plain value cannot start with ") + c + ": quote it");
    count(1, at);
    if (c == '[' || c == '{') {
      std::size_t pos = 0;
      Json v = flow(text, pos, at, depth);
      if (!trim(text.substr(pos)).empty())
        throw YamlError(at, "unexpected text after the closing " + std::string(1, text[pos - 1]) + ": \"" +
                                std::string(trim(text.substr(pos))) + "\"");
      return v;
    }
    if (c == '"' || c == '\'') {
      std::size_t pos = 0;
      std::string s = read_quoted(text, pos, at);
      if (!trim(text.substr(pos)).empty())
        throw YamlError(at, "unexpected text after the quoted string: \"" + std::string(trim(text.substr(pos))) + "\"");
      return s;
    }
    if (text.find(": ") != std::string_view::npos || text.back() == ':')
      throw YamlError(at, "a plain value cannot hold ': ' (quote it): \"" + std::string(text) + "\"");
    return type_plain(text, at, false);
  }

  // A one-line flow collection starting at text[pos] ('[' or '{'); pos ends after its close.
  Json flow(std::string_view text, std::size_t& pos, int at, int depth) {
    check_depth(depth, at);
    const char open = text[pos];
    const char close = open == '[' ? ']' : '}';
    Json out = open == '[' ? Json::array() : Json::object();
    ++pos;
    auto skip = [&] {
      while (pos < text.size() && blank(text[pos])) ++pos;
    };
    auto unclosed = [&] {
      return YamlError(at, std::string("the ") + open + " does not close on this line (flow collections must be on one line)");
    };
    while (true) {
      skip();
      if (pos >= text.size()) throw unclosed();
      if (text[pos] == close) {
        ++pos;
        return out;
      }
      if (open == '{') {
        std::string key = flow_scalar(text, pos, at, true).get<std::string>();
        skip();
        if (pos >= text.size() || text[pos] != ':') throw YamlError(at, "expected ':' after the key \"" + key + "\" in { }");
        ++pos;
        if (out.contains(key)) throw YamlError(at, "duplicate key \"" + key + "\"");
        out[key] = flow_item(text, pos, at, depth + 1);
      } else {
        out.push_back(flow_item(text, pos, at, depth + 1));
      }
      skip();
      if (pos >= text.size()) throw unclosed();
      if (text[pos] == ',') ++pos;
      else if (text[pos] != close) throw YamlError(at, std::string("expected ',' or '") + close + "' in a flow collection");
    }
  }

  Json flow_item(std::string_view text, std::size_t& pos, int at, int depth) {
    while (pos < text.size() && blank(text[pos])) ++pos;
    if (pos >= text.size()) throw YamlError(at, "a flow collection ends without a value");
    count(1, at);
    if (text[pos] == '[' || text[pos] == '{') return flow(text, pos, at, depth);
    if (text[pos] == '*') {
      const auto start = ++pos;
      while (pos < text.size() && std::string_view(",]} \t").find(text[pos]) == std::string_view::npos) ++pos;
      return alias(text.substr(start, pos - start), at);
    }
    if (text[pos] == '&' || text[pos] == '!') throw YamlError(at, "anchors and tags inside [ ] or { } are not supported");
    return flow_scalar(text, pos, at, false);
  }

  // A scalar inside [ ] or { }: quoted, or plain up to , ] } (and ':' before a blank, for keys).
  Json flow_scalar(std::string_view text, std::size_t& pos, int at, bool key) {
    while (pos < text.size() && blank(text[pos])) ++pos;
    if (pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) return read_quoted(text, pos, at);
    const auto start = pos;
    while (pos < text.size() && std::string_view(",]}[{").find(text[pos]) == std::string_view::npos) {
      if (text[pos] == ':' && (pos + 1 == text.size() || blank(text[pos + 1]) || std::string_view(",]}").find(text[pos + 1]) != std::string_view::npos)) {
        if (key) break;
        throw YamlError(at, "a ': ' inside a flow value (quote it)");
      }
      ++pos;
    }
    const auto s = trim(text.substr(start, pos - start));
    if (key) {
      if (s.empty()) throw YamlError(at, "an empty key in { }");
      plain_key(s, at, true);
      return std::string(s);
    }
    if (s.empty()) throw YamlError(at, "an empty entry in a flow collection");
    return type_plain(s, at, true);
  }

  std::vector<Line> lines_;
  std::size_t i_ = 0;
  YamlDocument& doc_;
  std::map<std::string, Json> anchors_;
  std::size_t nodes_ = 0;
};

}  // namespace

YamlDocument read_yaml_subset(std::string_view text) {
  YamlDocument doc;
  Parser parser(split_lines(text), doc);
  doc.value = parser.document();
  return doc;
}

}  // namespace regsim::compose
