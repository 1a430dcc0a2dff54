#pragma once
// The two spellings of a rules text, read into one list of rule items before their meaning is
// checked (acl_rules.cpp): Consul's HCL subset and its JSON form.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fakes::consul {

/// `service "web" { policy = "write" }` (label set, attributes) or `acl = "write"` (value set).
struct RuleItem {
  std::string kind;
  std::optional<std::string> label;
  std::map<std::string, std::string> attributes;
  std::optional<std::string> value;
  int line = 0;
  int column = 0;
};

/// Syntax errors read "At LINE:COLUMN: what was wrong".
std::variant<std::vector<RuleItem>, std::string> read_hcl_rules(std::string_view text);
std::variant<std::vector<RuleItem>, std::string> read_json_rules(std::string_view text);

}  // namespace fakes::consul
