#pragma once
// A deliberately small XML reader for tests: enough to prove a document is well-formed
// (balanced tags, quoted attributes, escaped text, known entities) and to read elements back
// with their attributes and text. Throws std::runtime_error naming the offset of a problem.

#include <cctype>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace regsim::test {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;  // unescaped character data directly inside
  std::vector<std::unique_ptr<XmlElement>> children;

  std::vector<const XmlElement*> all(const std::string& element_name) const {
    std::vector<const XmlElement*> out;
    for (const auto& c : children) {
      if (c->name == element_name) out.push_back(c.get());
      for (const auto* d : c->all(element_name)) out.push_back(d);
    }
    return out;
  }
};

class MiniXml {
 public:
  static std::unique_ptr<XmlElement> parse(const std::string& doc) { return MiniXml(doc).document(); }

 private:
  explicit MiniXml(const std::string& doc) : s_(doc) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("XML error at offset " + std::to_string(i_) + ": " + what);
  }
  bool at(const std::string& token) const { return s_.compare(i_, token.size(), token) == 0; }
  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  std::string name() {
    const auto start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '-' ||
                              s_[i_] == ':' || s_[i_] == '.'))
      ++i_;
    if (start == i_) fail("expected a name");
    return s_.substr(start, i_ - start);
  }
  // Character data up to `stop`, with entities resolved; a raw '<' or '&' is an error.
  std::string chars(char stop) {
    std::string out;
    while (i_ < s_.size() && s_[i_] != stop) {
      const char c = s_[i_];
      if (c == '<' && stop != '<') fail("raw '<' in attribute value");
      if (c == '&') {
        const auto end = s_.find(';', i_);
        if (end == std::string::npos) fail("unterminated entity");
        const auto entity = s_.substr(i_ + 1, end - i_ - 1);
        static const std::map<std::string, std::string> known = {
            {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"#39", "'"}};
        auto it = known.find(entity);
        if (it == known.end()) fail("unknown entity &" + entity + ";");
        out += it->second;
        i_ = end + 1;
        continue;
      }
      out += c;
      ++i_;
    }
    return out;
  }
  std::unique_ptr<XmlElement> element() {
    if (!at("<")) fail("expected '<'");
    ++i_;
    auto e = std::make_unique<XmlElement>();
    e->name = name();
    for (;;) {
      skip_space();
      if (at("/>")) {
        i_ += 2;
        return e;
      }
      if (at(">")) {
        ++i_;
        break;
      }
      const auto attr = name();
      skip_space();
      if (!at("=")) fail("expected '=' after attribute " + attr);
      ++i_;
      skip_space();
      if (!at("\"")) fail("attribute " + attr + " is not quoted");
      ++i_;
      if (e->attributes.count(attr)) fail("duplicate attribute " + attr);
      e->attributes[attr] = chars('"');
      if (!at("\"")) fail("unterminated attribute " + attr);
      ++i_;
    }
    for (;;) {
      if (i_ >= s_.size()) fail("<" + e->name + "> is never closed");
      if (at("</")) {
        i_ += 2;
        const auto closing = name();
        if (closing != e->name) fail("</" + closing + "> closes <" + e->name + ">");
        skip_space();
        if (!at(">")) fail("expected '>'");
        ++i_;
        return e;
      }
      if (at("<")) e->children.push_back(element());
      else e->text += chars('<');
    }
  }
  std::unique_ptr<XmlElement> document() {
    if (at("<?xml")) {
      const auto end = s_.find("?>");
      if (end == std::string::npos) fail("unterminated XML declaration");
      i_ = end + 2;
    }
    skip_space();
    auto root = element();
    skip_space();
    if (i_ != s_.size()) fail("content after the root element");
    return root;
  }

  const std::string& s_;
  std::size_t i_ = 0;
};

}  // namespace regsim::test
