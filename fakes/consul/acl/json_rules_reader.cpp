// The JSON form of ACL rules, as HCL's JSON parser reads it: {"service": {"web": {"policy":
// "write"}}, "acl": "write"}; a kind may also hold a list of such objects.
#include "fakes/consul/acl/rules_syntax.hpp"

#include <nlohmann/json.hpp>

namespace fakes::consul {

namespace {

using nlohmann::json;

std::optional<std::string> read_json_labelled(const std::string& kind, const json& labels, std::vector<RuleItem>& out) {
  if (!labels.is_object()) return "the value of " + json(kind).dump() + " must be an object of names";
  for (const auto& [label, body] : labels.items()) {
    if (!body.is_object())
      return "the rule " + json(kind).dump() + " " + json(label).dump() + " must be an object such as {\"policy\": \"read\"}";
    RuleItem item{kind, label, {}, std::nullopt, 1, 1};
    for (const auto& [attribute, value] : body.items()) {
      if (!value.is_string())
        return "the attribute " + json(attribute).dump() + " of " + json(kind).dump() + " " + json(label).dump() +
               " must be a string";
      item.attributes[attribute] = value.get<std::string>();
    }
    out.push_back(std::move(item));
  }
  return std::nullopt;
}

}  // namespace

std::variant<std::vector<RuleItem>, std::string> read_json_rules(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::string("the text starts with '{' but is not a JSON object");
  std::vector<RuleItem> items;
  for (const auto& [kind, value] : doc.items()) {
    if (value.is_string()) {
      items.push_back(RuleItem{kind, std::nullopt, {}, value.get<std::string>(), 1, 1});
      continue;
    }
    if (value.is_array()) {
      for (const json& part : value)
        if (auto error = read_json_labelled(kind, part, items)) return *error;
      continue;
    }
    if (auto error = read_json_labelled(kind, value, items)) return *error;
  }
  return items;
}

}  // namespace fakes::consul
