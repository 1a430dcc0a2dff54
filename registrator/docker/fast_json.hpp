#pragma once
// A JSON reader for the documents registrator reads by the thousand at start-up (container list,
// inspect). nlohmann's lexer reads one character at a time through an input adapter; this one
// scans a string_view. It gives up (nullopt) on anything outside the common case — invalid JSON,
// fractions and exponents, integers beyond 64 bits, non-ASCII bytes, deep nesting — and the
// caller then parses with nlohmann, whose result and error messages stay the reference.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace registrator::fast_json {

/// The document nlohmann::json::parse(text) gives (non-negative integers unsigned, negative ones
/// signed, the last of duplicate keys wins), or nullopt when this reader does not handle `text`.
std::optional<nlohmann::json> parse(std::string_view text);

/// Which members of an object a parse keeps. A member listed in `members` is kept, reduced by
/// its `inner` projection (nullptr: whole); any other member is reduced by `every` when set, else
/// dropped. A projection applied to a value that is not an object keeps that value whole.
struct Projection {
  struct Member {
    std::string_view name;
    const Projection* inner = nullptr;
  };
  std::vector<Member> members;
  const Projection* every = nullptr;
};

/// parse(text) with only the members `keep` names: the dropped ones are still checked (a document
/// this reader would refuse is refused all the same) but never built, which is most of the cost
/// of a `docker inspect` document. nullopt exactly when parse(text) gives nullopt.
std::optional<nlohmann::json> parse_projected(std::string_view text, const Projection& keep);

/// For a top-level array: the string value of "Id" of each element object that has one, in
/// order. nullopt when `text` is not such an array or this reader does not handle it.
std::optional<std::vector<std::string>> array_ids(std::string_view text);

}  // namespace registrator::fast_json
