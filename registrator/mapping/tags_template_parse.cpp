// Parser of the -tags template subset: text and {{ }} actions into tmpl::Node, rejecting every
// construct we do not evaluate with a message that names it.
#include <cctype>
#include <regex>
#include <set>

#include "registrator/mapping/tags_template.hpp"
#include "registrator/mapping/tags_template_ast.hpp"

namespace registrator {
namespace {

using tmpl::Command;
using tmpl::Operand;
using tmpl::Param;
using tmpl::Pipeline;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

const std::set<std::string>& go_keywords() {
  static const std::set<std::string> k = {"if", "else", "end", "range", "with", "define", "template",
                                          "block", "break", "continue", "nil"};
  return k;
}

const std::set<std::string>& go_builtins() {
  static const std::set<std::string> b = {"and", "or", "not", "len", "index", "slice", "print", "printf",
                                          "println", "html", "js", "urlquery", "eq", "ne", "lt", "le",
                                          "gt", "ge", "call"};
  return b;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  std::vector<tmpl::Node> parse() {
    std::vector<tmpl::Node> nodes;
    bool trim_next_text = false;
    while (pos_ < s_.size()) {
      auto open = s_.find("{{", pos_);
      std::string text(s_.substr(pos_, open == std::string_view::npos ? std::string_view::npos : open - pos_));
      if (trim_next_text) {
        std::size_t k = 0;
        while (k < text.size() && is_space(text[k])) ++k;
        text.erase(0, k);
      }
      if (open == std::string_view::npos) {
        push_text(nodes, std::move(text));
        break;
      }
      pos_ = open + 2;
      if (pos_ + 1 < s_.size() && s_[pos_] == '-' && is_space(s_[pos_ + 1])) {
        while (!text.empty() && is_space(text.back())) text.pop_back();
        pos_ += 2;
      }
      push_text(nodes, std::move(text));
      action_start_ = open;
      skip_spaces();
      if (s_.substr(pos_, 2) == "/*") {
        auto close = s_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) fail(open, "unclosed comment");
        pos_ = close + 2;
        trim_next_text = close_action();
        continue;
      }
      tmpl::Node node;
      node.is_action = true;
      node.pipeline = pipeline(0);
      trim_next_text = close_action();
      if (node.pipeline.commands.empty()) fail(open, "empty action {{}}: missing value");
      nodes.push_back(std::move(node));
    }
    return nodes;
  }

 private:
  [[noreturn]] void fail(std::size_t at, const std::string& why) const {
    throw TemplateError("template at byte " + std::to_string(at) + ": " + why);
  }

  static void push_text(std::vector<tmpl::Node>& nodes, std::string text) {
    if (text.empty()) return;
    tmpl::Node n;
    n.text = std::move(text);
    nodes.push_back(std::move(n));
  }

  /// Skips spaces; true when at least one was skipped.
  bool skip_spaces() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
    return pos_ != start;
  }

  bool at_close() const {
    return s_.substr(pos_, 2) == "}}" ||
           (pos_ > 0 && is_space(s_[pos_ - 1]) && s_.substr(pos_, 3) == "-}}");
  }

  /// Consumes "}}" or " -}}"; returns whether the following text is to be left-trimmed.
  bool close_action() {
    skip_spaces();
    if (s_.substr(pos_, 2) == "}}") {
      pos_ += 2;
      return false;
    }
    if (pos_ > 0 && is_space(s_[pos_ - 1]) && s_.substr(pos_, 3) == "-}}") {
      pos_ += 3;
      return true;
    }
    if (pos_ >= s_.size()) fail(action_start_, "unclosed action (missing }})");
    fail(pos_, std::string("unexpected \"") + s_[pos_] + "\" in action");
  }

  Pipeline pipeline(int depth) {
    if (depth > TagsTemplate::kMaxNesting) fail(pos_, "parentheses nested deeper than " + std::to_string(TagsTemplate::kMaxNesting));
    Pipeline p;
    while (true) {
      skip_spaces();
      const std::size_t start = pos_;
      Command c = command(depth);
      if (c.words.empty()) {
        if (p.commands.empty() && (at_close() || (pos_ < s_.size() && s_[pos_] == ')'))) return p;
        fail(start, "missing command in pipeline");
      }
      check_command(c, !p.commands.empty());
      p.commands.push_back(std::move(c));
      skip_spaces();
      if (pos_ < s_.size() && s_[pos_] == '|') {
        ++pos_;
        continue;
      }
      return p;
    }
  }

  Command command(int depth) {
    Command c;
    while (true) {
      skip_spaces();
      if (pos_ >= s_.size() || at_close() || s_[pos_] == '|' || s_[pos_] == ')') return c;
      c.words.push_back(operand(depth));
    }
  }

  Operand operand(int depth) {
    Operand o;
    o.offset = pos_;
    const char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      o.kind = Operand::Kind::Sub;
      o.sub = std::make_shared<Pipeline>(pipeline(depth + 1));
      skip_spaces();
      if (pos_ >= s_.size() || s_[pos_] != ')') fail(o.offset, "unclosed left parenthesis");
      ++pos_;
      if (o.sub->commands.empty()) fail(o.offset, "empty parentheses ()");
      if (pos_ < s_.size() && s_[pos_] == '.') fail(pos_, "field access on a parenthesised result is not supported");
      return o;
    }
    if (c == '.') {
      o.kind = Operand::Kind::Field;
      ++pos_;
      if (pos_ < s_.size() && is_ident_start(s_[pos_])) {
        while (true) {
          const std::size_t start = pos_;
          while (pos_ < s_.size() && is_ident_char(s_[pos_])) ++pos_;
          o.fields.emplace_back(s_.substr(start, pos_ - start));
          if (pos_ + 1 < s_.size() && s_[pos_] == '.' && is_ident_start(s_[pos_ + 1])) {
            ++pos_;
            continue;
          }
          break;
        }
      }
      expect_word_end(o.offset);
      return o;
    }
    if (c == '"' || c == '`') {
      o.kind = Operand::Kind::String;
      o.text = string_literal();
      expect_word_end(o.offset);
      return o;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        ((c == '-' || c == '+') && pos_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])))) {
      o.kind = Operand::Kind::Int;
      const std::size_t start = pos_;
      ++pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' || s_[pos_] == '_')) ++pos_;
      const std::string lit(s_.substr(start, pos_ - start));
      static const std::regex decimal("[-+]?[0-9]{1,18}");
      if (!std::regex_match(lit, decimal)) {
        fail(start, "number \"" + lit + "\" is not supported (only decimal integers)");
      }
      o.number = std::stoll(lit);
      expect_word_end(o.offset);
      return o;
    }
    if (is_ident_start(c)) {
      const std::size_t start = pos_;
      while (pos_ < s_.size() && is_ident_char(s_[pos_])) ++pos_;
      const std::string name(s_.substr(start, pos_ - start));
      if (name == "true" || name == "false") {
        o.kind = Operand::Kind::Bool;
        o.boolean = name == "true";
      } else {
        check_function_name(name, start);
        o.kind = Operand::Kind::Function;
        o.text = name;
      }
      if (pos_ < s_.size() && s_[pos_] == '.') fail(pos_, "field access on \"" + name + "\" is not supported");
      expect_word_end(o.offset);
      return o;
    }
    if (c == '$') fail(pos_, "template variables ($...) are not supported");
    if (c == '\'') fail(pos_, "character constants ('...') are not supported");
    if (c == ':' || c == '=') fail(pos_, "variable assignment is not supported");
    if (c == ',') fail(pos_, "\",\" (range variables) is not supported");
    fail(pos_, std::string("unexpected \"") + c + "\" in action");
  }

  void check_function_name(const std::string& name, std::size_t at) const {
    if (tmpl::find_function(name)) return;
    if (name == "httpGet") {
      fail(at, "function \"httpGet\" is deliberately not supported: it would make registrator fetch URLs, "
               "possibly off this machine, for every container");
    }
    if (go_keywords().count(name)) {
      fail(at, "the \"" + name + "\" action/keyword is not supported; supported are field paths, literals, "
               "pipelines and the functions " + tmpl::function_names());
    }
    const std::string kind = go_builtins().count(name) ? "Go template builtin" : "function";
    fail(at, kind + " \"" + name + "\" is not supported (supported functions: " + tmpl::function_names() + ")");
  }

  void expect_word_end(std::size_t start) const {
    if (pos_ >= s_.size() || is_space(s_[pos_]) || s_[pos_] == '|' || s_[pos_] == ')' || s_[pos_] == '(' ||
        s_.substr(pos_, 2) == "}}") {
      return;
    }
    fail(start, "unexpected \"" + std::string(1, s_[pos_]) + "\" after \"" +
                    std::string(s_.substr(start, pos_ - start)) + "\"");
  }

  std::string string_literal() {
    const char quote = s_[pos_];
    const std::size_t start = pos_++;
    std::string out;
    while (true) {
      if (pos_ >= s_.size() || (quote == '"' && s_[pos_] == '\n')) fail(start, "unterminated string literal");
      const char c = s_[pos_++];
      if (c == quote) return out;
      if (quote == '"' && c == '\\') {
        if (pos_ >= s_.size()) fail(start, "unterminated string literal");
        const char e = s_[pos_++];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '\\': out += '\\'; break;
          case '"': out += '"'; break;
          default: fail(pos_ - 2, std::string("escape \\") + e + " is not supported in string literals");
        }
        continue;
      }
      out += c;
    }
  }

  /// Function arity and literal argument types, checked now so -tags fails at start-up.
  void check_command(const Command& c, bool piped) const {
    const Operand& head = c.words.front();
    if (head.kind != Operand::Kind::Function) {
      if (c.words.size() > 1 || piped) fail(head.offset, "can't give arguments to a non-function");
      return;
    }
    const tmpl::Function& f = *tmpl::find_function(head.text);
    std::vector<const Operand*> args;
    for (std::size_t i = 1; i < c.words.size(); ++i) args.push_back(&c.words[i]);
    const std::size_t count = args.size() + (piped ? 1 : 0);
    if (count < f.params.size() || (!f.variadic_int && count > f.params.size())) {
      fail(head.offset, "wrong number of arguments for " + head.text + ": want " +
                            std::to_string(f.params.size()) + (f.variadic_int ? " or more" : "") + ", got " +
                            std::to_string(count));
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
      const Param want = i < f.params.size() ? f.params[i] : Param::Int;
      const Operand& a = *args[i];
      const bool ok = (a.kind == Operand::Kind::String && (want == Param::String || want == Param::Bytes)) ||
                      (a.kind == Operand::Kind::Int && want == Param::Int) ||
                      a.kind == Operand::Kind::Field || a.kind == Operand::Kind::Sub ||
                      a.kind == Operand::Kind::Function;
      if (!ok) {
        fail(a.offset, head.text + " argument " + std::to_string(i + 1) + ": expected " + tmpl::param_name(want) +
                           ", got a " + (a.kind == Operand::Kind::String ? "string" : a.kind == Operand::Kind::Int ? "number" : "boolean") +
                           " literal");
      }
      if (a.kind == Operand::Kind::Function) {
        fail(a.offset, "function \"" + a.text + "\" used as an argument must be in parentheses");
      }
      if ((head.text == "matchFirstElement" || head.text == "matchAllElements") && i == 0 &&
          a.kind == Operand::Kind::String) {
        try {
          std::regex re(a.text, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          fail(a.offset, head.text + ": bad regular expression \"" + a.text + "\": " + e.what());
        }
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t action_start_ = 0;
};

}  // namespace

TagsTemplate::TagsTemplate() = default;
TagsTemplate::~TagsTemplate() = default;
TagsTemplate::TagsTemplate(TagsTemplate&&) noexcept = default;
TagsTemplate& TagsTemplate::operator=(TagsTemplate&&) noexcept = default;

TagsTemplate TagsTemplate::parse(std::string_view text) {
  if (text.size() > kMaxTemplateSize) {
    throw TemplateError("template is " + std::to_string(text.size()) + " bytes; the limit is " +
                        std::to_string(kMaxTemplateSize));
  }
  TagsTemplate t;
  t.nodes_ = Parser(text).parse();
  return t;
}

}  // namespace registrator
