// The HCL that ACL rules use: blocks `kind "label" { attr = "value" ... }` and top-level
// `kind = "value"`, with #, // and /* */ comments. Bounded by the text: every step consumes
// input, and blocks do not nest.
#include "fakes/consul/acl/rules_syntax.hpp"

namespace fakes::consul {

namespace {

enum class HclToken { ident, string, lbrace, rbrace, equal, comma, end };

struct HclLexeme {
  HclToken token = HclToken::end;
  std::string text;
  int line = 1;
  int column = 1;
};

class HclLexer {
 public:
  explicit HclLexer(std::string_view text) : text_(text) {}

  /// The next lexeme, or an error "At L:C: ...".
  std::variant<HclLexeme, std::string> next() {
    if (auto error = skip_space_and_comments()) return *error;
    HclLexeme out;
    out.line = line_;
    out.column = column_;
    if (pos_ >= text_.size()) return out;
    const char c = text_[pos_];
    if (c == '{' || c == '}' || c == '=' || c == ',') {
      out.token = c == '{' ? HclToken::lbrace : c == '}' ? HclToken::rbrace : c == '=' ? HclToken::equal : HclToken::comma;
      out.text = std::string(1, c);
      advance();
      return out;
    }
    if (c == '"') return read_string(out);
    if (is_ident_start(c)) {
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) out.text += advance();
      out.token = HclToken::ident;
      return out;
    }
    return at(out.line, out.column) + "illegal char " + quoted(std::string(1, c));
  }

  static std::string at(int line, int column) {
    return "At " + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }
  static std::string quoted(const std::string& s) { return "\"" + s + "\""; }

 private:
  static bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
  static bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

  char advance() {
    const char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    return c;
  }

  std::optional<std::string> skip_space_and_comments() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        advance();
      } else if (c == '#' || (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/')) {
        while (pos_ < text_.size() && text_[pos_] != '\n') advance();
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        const int line = line_, column = column_;
        advance();
        advance();
        while (pos_ + 1 < text_.size() && !(text_[pos_] == '*' && text_[pos_ + 1] == '/')) advance();
        if (pos_ + 1 >= text_.size()) return at(line, column) + "comment not terminated";
        advance();
        advance();
      } else {
        break;
      }
    }
    return std::nullopt;
  }

  std::variant<HclLexeme, std::string> read_string(HclLexeme out) {
    advance();  // the opening quote
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n') return at(out.line, out.column) + "literal not terminated";
      char c = advance();
      if (c == '"') break;
      if (c == '\\') {
        if (pos_ >= text_.size()) return at(out.line, out.column) + "literal not terminated";
        const int line = line_, column = column_;
        c = advance();
        switch (c) {
          case '"': case '\\': case '/': out.text += c; break;
          case 'n': out.text += '\n'; break;
          case 't': out.text += '\t'; break;
          case 'r': out.text += '\r'; break;
          default: return at(line, column) + "unknown escape sequence \\" + std::string(1, c);
        }
        continue;
      }
      out.text += c;
    }
    out.token = HclToken::string;
    return out;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

std::string describe(const HclLexeme& l) {
  switch (l.token) {
    case HclToken::end: return "EOF";
    case HclToken::string: return "string " + HclLexer::quoted(l.text);
    default: return HclLexer::quoted(l.text);
  }
}

std::string hcl_error(const HclLexeme& l, const std::string& what) {
  return HclLexer::at(l.line, l.column) + what + ", got " + describe(l);
}

/// One block body after its '{': `name = "value"` pairs up to '}'.
std::optional<std::string> read_block_body(HclLexer& lexer, RuleItem& item) {
  while (true) {
    auto next = lexer.next();
    if (auto* e = std::get_if<std::string>(&next)) return *e;
    HclLexeme key = std::get<HclLexeme>(std::move(next));
    if (key.token == HclToken::rbrace) return std::nullopt;
    if (key.token == HclToken::comma) continue;
    if (key.token != HclToken::ident && key.token != HclToken::string)
      return hcl_error(key, "expected an attribute name or closing '}' of the " + item.kind + " block");
    next = lexer.next();
    if (auto* e = std::get_if<std::string>(&next)) return *e;
    if (std::get<HclLexeme>(next).token != HclToken::equal)
      return hcl_error(std::get<HclLexeme>(next), "expected '=' after " + HclLexer::quoted(key.text));
    next = lexer.next();
    if (auto* e = std::get_if<std::string>(&next)) return *e;
    const HclLexeme& value = std::get<HclLexeme>(next);
    if (value.token != HclToken::string)
      return hcl_error(value, "expected a quoted string as the value of " + HclLexer::quoted(key.text));
    if (!item.attributes.emplace(key.text, value.text).second)
      return HclLexer::at(key.line, key.column) + "The argument " + HclLexer::quoted(key.text) +
             " was already set. Each argument can only be defined once";
  }
}

}  // namespace

std::variant<std::vector<RuleItem>, std::string> read_hcl_rules(std::string_view text) {
  std::vector<RuleItem> items;
  HclLexer lexer(text);
  while (true) {
    auto next = lexer.next();
    if (auto* e = std::get_if<std::string>(&next)) return *e;
    HclLexeme head = std::get<HclLexeme>(std::move(next));
    if (head.token == HclToken::end) return items;
    if (head.token != HclToken::ident) return hcl_error(head, "expected a rule kind such as service or key_prefix");
    RuleItem item{head.text, std::nullopt, {}, std::nullopt, head.line, head.column};
    next = lexer.next();
    if (auto* e = std::get_if<std::string>(&next)) return *e;
    HclLexeme after = std::get<HclLexeme>(std::move(next));
    if (after.token == HclToken::equal) {
      next = lexer.next();
      if (auto* e = std::get_if<std::string>(&next)) return *e;
      const HclLexeme& value = std::get<HclLexeme>(next);
      if (value.token != HclToken::string)
        return hcl_error(value, "expected a quoted string as the value of " + HclLexer::quoted(head.text));
      item.value = value.text;
    } else if (after.token == HclToken::string) {
      item.label = after.text;
      next = lexer.next();
      if (auto* e = std::get_if<std::string>(&next)) return *e;
      const HclLexeme& brace = std::get<HclLexeme>(next);
      if (brace.token != HclToken::lbrace)
        return hcl_error(brace, "expected '{' to open the " + head.text + " " + HclLexer::quoted(*item.label) + " block");
      if (auto error = read_block_body(lexer, item)) return *error;
    } else {
      return hcl_error(after, "key " + HclLexer::quoted(head.text) +
                                  " expected a quoted name and a '{' block, or '=' and a value");
    }
    items.push_back(std::move(item));
  }
}

}  // namespace fakes::consul
