#include "scenarios/regsim/language/compose/yaml_scalar.hpp"

#include "scenarios/regsim/language/compose/yaml_subset.hpp"

#include <array>
#include <cstdlib>
#include <regex>

namespace regsim::compose::detail {
namespace {

void append_utf8(std::string& out, unsigned long cp, int line) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) throw YamlError(line, "escape names no Unicode character");
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (s == w) return true;
  return false;
}

}  // namespace

std::string read_quoted(std::string_view text, std::size_t& pos, int line) {
  const char quote = text[pos];
  std::string out;
  std::size_t i = pos + 1;
  while (true) {
    if (i >= text.size())
      throw YamlError(line, std::string("the string opened with ") + quote +
                                " does not end on this line (multi-line strings are not supported)");
    const char c = text[i];
    if (c == quote) {
      // '' inside a single-quoted string is one quote.
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        out += '\'';
        i += 2;
        continue;
      }
      pos = i + 1;
      return out;
    }
    if (quote == '"' && c == '\\') {
      if (i + 1 >= text.size()) throw YamlError(line, "a \\ ends the line inside a double-quoted string");
      const char e = text[i + 1];
      i += 2;
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case ' ': out += ' '; break;
        case 'x':
        case 'u':
        case 'U': {
          const std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + digits > text.size()) throw YamlError(line, std::string("\\") + e + " needs " + std::to_string(digits) + " hex digits");
          const std::string hex(text.substr(i, digits));
          if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            throw YamlError(line, std::string("\\") + e + " needs " + std::to_string(digits) + " hex digits, got \"" + hex + "\"");
          append_utf8(out, std::strtoul(hex.c_str(), nullptr, 16), line);
          i += digits;
          break;
        }
        default: throw YamlError(line, std::string("unknown escape \\") + e + " in a double-quoted string");
      }
      continue;
    }
    out += c;
    ++i;
  }
}

void check_plain(std::string_view text, int line, bool flow) {
  if (text.empty()) return;
  const char c = text.front();
  const bool indicator = std::string_view(",[]{}#&*!|>'\"%@`").find(c) != std::string_view::npos;
  const bool lone = (c == '-' || c == '?' || c == ':') && (text.size() == 1 || text[1] == ' ' || text[1] == '\t');
  if (flow && text.find('?') != std::string_view::npos)
    throw YamlError(line, "a ? inside [ ] or { } (quote the value): \"" + std::string(text.substr(0, 40)) + "\"");
  if (indicator || lone || (flow && c == ':'))
    throw YamlError(line, "a plain value cannot start with " + std::string(1, c) + ": quote it (\"" +
                              std::string(text.substr(0, 40)) + "\")");
}

nlohmann::ordered_json type_plain(std::string_view text, int line, bool flow) {
  check_plain(text, line, flow);
  // PyYAML's implicit resolvers (YAML 1.1), in the forms compose files meet.
  if (text.empty() || one_of(text, {"~", "null", "Null", "NULL"})) return nullptr;
  if (text == "=") throw YamlError(line, "an unquoted = is YAML 1.1's value key, which PyYAML cannot read: quote it");
  if (one_of(text, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})) return true;
  if (one_of(text, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) return false;
  const std::string s(text);
  // std::regex recurses per character: long scalars are never numbers worth matching, and must
  // not exhaust the stack.
  if (s.size() > 64) {
    if (s.find_first_not_of("0123456789") == std::string::npos) throw YamlError(line, "integer is too large");
    return s;
  }
  static const std::regex base60(R"([-+]?[1-9][0-9_]*(:[0-5]?[0-9])+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*)");
  if (std::regex_match(s, base60))
    throw YamlError(line, "unquoted " + s + " is a base-60 number in YAML 1.1 (docker-compose reads it as " +
                              "an integer): write \"" + s + "\"");
  // PyYAML's number forms with '_' separators (1_000, 0x_ff, 1_0.5).
  static const std::regex underscored(
      R"([-+]?[1-9][0-9_]*|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?|\.[0-9_]+([eE][-+][0-9]+)?)");
  if (s.find('_') != std::string::npos && std::regex_match(s, underscored))
    throw YamlError(line, "unquoted " + s + " is a number with '_' separators in YAML 1.1: write it without '_', or quote it");
  static const std::regex integer(R"([-+]?(0|[1-9][0-9]*))");
  if (std::regex_match(s, integer)) {
    if (s.size() > 18) throw YamlError(line, "integer " + s + " is too large");
    return std::stoll(s);
  }
  static const std::regex other_int(R"([-+]?0[0-7]+|[-+]?0x[0-9a-fA-F]+|[-+]?0b[01]+)");
  if (std::regex_match(s, other_int))
    throw YamlError(line, "unquoted " + s + " is an octal, hex or binary integer in YAML 1.1: quote it, or write it in decimal");
  // PyYAML's float forms (a sign only before digits; the exponent's sign is required).
  static const std::regex floating(R"([-+]?[0-9]+\.[0-9]*([eE][-+][0-9]+)?|\.[0-9]+([eE][-+][0-9]+)?)");
  if (std::regex_match(s, floating)) return std::strtod(s.c_str(), nullptr);
  static const std::regex special(R"([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  if (std::regex_match(s, special)) throw YamlError(line, "unquoted " + s + " is an infinite or NaN float in YAML 1.1: quote it");
  static const std::regex date(R"([0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt \t].*)?)");
  if (std::regex_match(s, date)) throw YamlError(line, "unquoted " + s + " is a date in YAML 1.1: quote it");
  return s;
}

}  // namespace regsim::compose::detail
