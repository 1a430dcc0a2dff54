#pragma once
// Request-target parsing shared by the fakes: path and query, percent-decoded, with an error
// (not a guess) for malformed escapes, since both Docker and Consul answer 400 for those.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fakes::http {

struct Target {
  std::string path;                          // decoded, without the query
  std::multimap<std::string, std::string> query;  // decoded; a key without '=' maps to ""

  bool has(const std::string& key) const { return query.count(key) != 0; }
  /// The first value for key, or fallback when absent.
  std::string get(const std::string& key, std::string fallback = {}) const;
};

/// Decodes %XX escapes (and '+' as space when plus_is_space). nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space = false);
std::string percent_encode(std::string_view in);

/// Splits "/a/b%20c?x=1&y" into path and query. nullopt when an escape is malformed.
std::optional<Target> parse_target(std::string_view target);

}  // namespace fakes::http
