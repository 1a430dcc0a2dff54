#pragma once
// The -tags Go-template subset of registrator v7.4.0 (upstream bridge.go), evaluated over the
// container's `docker inspect` JSON instead of go-dockerclient's Container struct.
//
// Supported: text; {{ pipelines }} of field paths (.ID, .Config.Labels, ...), string ("..", `..`),
// decimal integer and true/false literals, parenthesised sub-pipelines, `|`, comments
// {{/* */}} and the trim markers {{- and -}}; the functions strSlice, sIndex, mIndex, toUpper,
// toLower, replace, join, split, splitIndex, matchFirstElement, matchAllElements, jsonParse.
// Everything else (if/range/with/define, variables, Go builtins such as printf/index, httpGet)
// is rejected by parse() with a message naming the construct.
//
// Differences from Go, on purpose: a field name matches a JSON key exactly, else case-
// insensitively (so .ID finds "Id" as Go's JSON decoding does); a missing field prints
// "<no value>" rather than failing; regular expressions are ECMAScript (std::regex), not RE2;
// toUpper/toLower change ASCII letters only; jsonParse also accepts a string (upstream only
// accepts httpGet's bytes, which makes it unusable without httpGet).
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace registrator {

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace tmpl {
struct Node;
}

class TagsTemplate {
 public:
  /// Throws TemplateError naming the problem and its byte offset in `text`.
  static TagsTemplate parse(std::string_view text);
  /// Throws TemplateError when a function fails on this container's data.
  std::string render(const nlohmann::json& container) const;

  static constexpr std::size_t kMaxTemplateSize = 64 * 1024;
  static constexpr std::size_t kMaxOutputSize = 1024 * 1024;
  static constexpr int kMaxNesting = 16;

  TagsTemplate();
  ~TagsTemplate();
  TagsTemplate(TagsTemplate&&) noexcept;
  TagsTemplate& operator=(TagsTemplate&&) noexcept;

 private:
  std::vector<tmpl::Node> nodes_;
};

}  // namespace registrator
