#include "scenarios/regsim/checks/catalog_check.hpp"

#include <optional>

namespace regsim {
namespace {

using nlohmann::json;

std::string entries_word(std::size_t n) { return std::to_string(n) + (n == 1 ? " entry" : " entries"); }

std::string value_text(const json& v) {
  std::string s = v.dump();
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

// How a message names an expected entry: by its identity field when it has one, else by its fields.
std::string expected_label(const json& entry, const std::string& id_field) {
  if (auto it = entry.find(id_field); it != entry.end() && it->is_string())
    return id_field + "=" + it->get<std::string>();
  std::string label;
  for (const auto& [k, v] : entry.items()) label += (label.empty() ? "" : " ") + k + "=" + value_text(v);
  return "{" + label + "}";
}

std::string actual_label(const json& entry, const std::string& id_field) {
  if (entry.is_object())
    if (auto it = entry.find(id_field); it != entry.end() && it->is_string()) {
      std::string label = id_field + "=" + it->get<std::string>();
      for (const char* field : {"ServiceAddress", "ServicePort", "Status", "Value"})
        if (auto f = entry.find(field); f != entry.end()) label += std::string(" ") + field + "=" + value_text(*f);
      return label;
    }
  return value_text(entry);
}

std::size_t equal_fields(const json& expected, const json& actual) {
  if (!actual.is_object()) return 0;
  std::size_t n = 0;
  for (const auto& [k, v] : expected.items())
    if (auto it = actual.find(k); it != actual.end() && *it == v) ++n;
  return n;
}

// "ServicePort expected 80, got 81, ServiceAddress expected ..." or "" when all fields match.
std::string field_differences(const json& expected, const json& actual) {
  std::string out;
  for (const auto& [k, v] : expected.items()) {
    std::string diff;
    if (!actual.is_object() || !actual.contains(k)) diff = k + " expected " + value_text(v) + ", got nothing (no such field)";
    else if (actual.at(k) != v) diff = k + " expected " + value_text(v) + ", got " + value_text(actual.at(k));
    if (!diff.empty()) out += (out.empty() ? "" : "; ") + diff;
  }
  return out;
}

}  // namespace

CheckResult compare_catalog(const std::vector<json>& expected, MatchMode mode, const json& actual) {
  return compare_entries(expected, mode, actual, "ServiceID");
}

CheckResult compare_entries(const std::vector<json>& expected, MatchMode mode, const json& actual,
                            const std::string& id_field) {
  if (!actual.is_array()) return {false, "the registry answered " + value_text(actual) + " instead of a list"};

  std::vector<bool> used(actual.size(), false);
  std::vector<std::optional<std::size_t>> pair(expected.size());

  // 1. Entries that name their identity (ServiceID, Key) pair with the actual entry of that identity.
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto id = expected[i].find(id_field);
    if (id == expected[i].end()) continue;
    for (std::size_t j = 0; j < actual.size(); ++j)
      if (!used[j] && actual[j].is_object() && actual[j].value(id_field, json()) == *id) {
        pair[i] = j;
        used[j] = true;
        break;
      }
  }
  // 2. The others take an exact match first, then the closest remaining entry.
  for (bool exact_only : {true, false}) {
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (pair[i] || expected[i].contains(id_field)) continue;
      std::optional<std::size_t> best;
      std::size_t best_score = 0;
      for (std::size_t j = 0; j < actual.size(); ++j) {
        if (used[j]) continue;
        const auto score = equal_fields(expected[i], actual[j]);
        if (exact_only && score != expected[i].size()) continue;
        if (!best || score > best_score) best = j, best_score = score;
      }
      if (best) {
        pair[i] = best;
        used[*best] = true;
      }
    }
  }

  std::vector<std::string> problems;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (!pair[i]) {
      problems.push_back("missing entry " + expected_label(expected[i], id_field));
      continue;
    }
    const auto diff = field_differences(expected[i], actual[*pair[i]]);
    if (!diff.empty()) problems.push_back("entry " + expected_label(expected[i], id_field) + ": " + diff);
  }
  if (mode == MatchMode::exactly)
    for (std::size_t j = 0; j < actual.size(); ++j)
      if (!used[j]) problems.push_back("unexpected entry " + actual_label(actual[j], id_field));

  if (problems.empty()) {
    if (mode == MatchMode::contains)
      return {true, "the " + entries_word(expected.size()) + " expected present (" + std::to_string(actual.size()) +
                        " in total)"};
    return {true, expected.empty() ? "no entries, as expected" : entries_word(expected.size()) + " as expected"};
  }
  std::string detail;
  if (mode == MatchMode::exactly && expected.size() != actual.size())
    detail = "expected " + entries_word(expected.size()) + ", got " + std::to_string(actual.size()) + ": ";
  for (std::size_t i = 0; i < problems.size(); ++i) detail += (i ? "; " : "") + problems[i];
  return {false, detail};
}

}  // namespace regsim
