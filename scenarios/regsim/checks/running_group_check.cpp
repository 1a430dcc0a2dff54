#include "scenarios/regsim/checks/running_group_check.hpp"

#include <map>
#include <vector>

namespace regsim {
namespace {

// "3 (a, b, c)" or "12 (a, b, c, d, e, ...)".
std::string count_with_examples(const std::vector<std::string>& ids) {
  std::string out = std::to_string(ids.size());
  if (ids.empty()) return out;
  out += " (";
  for (std::size_t i = 0; i < ids.size() && i < 5; ++i) out += (i ? ", " : "") + ids[i];
  return out + (ids.size() > 5 ? ", ...)" : ")");
}

}  // namespace

RegistrationDiff diff_registrations(const std::set<std::string>& expected_ids, const std::string& id_prefix,
                                    const nlohmann::json& catalog) {
  RegistrationDiff diff;
  diff.running = expected_ids.size();
  std::map<std::string, int> registered;
  if (catalog.is_array())
    for (const auto& entry : catalog) {
      if (!entry.is_object()) continue;
      const auto id = entry.value("ServiceID", std::string{});
      if (id.starts_with(id_prefix)) ++registered[id];
    }
  diff.registered = registered.size();
  for (const auto& id : expected_ids)
    if (!registered.count(id)) diff.lost.push_back(id);
  for (const auto& [id, n] : registered) {
    if (!expected_ids.count(id)) diff.stale.push_back(id);
    if (n > 1) diff.duplicated.push_back(id);
  }
  return diff;
}

CheckResult compare_running_group(const std::set<std::string>& expected_ids, const std::string& id_prefix,
                                  const nlohmann::json& catalog) {
  if (!catalog.is_array()) return {false, "the catalog answered " + catalog.dump().substr(0, 120) + " instead of a list"};
  const auto diff = diff_registrations(expected_ids, id_prefix, catalog);
  const std::string counts = std::to_string(diff.running) + " running, " + std::to_string(diff.registered) + " registered";
  if (diff.clean()) return {true, counts + ", none lost, stale or duplicated"};
  return {false, counts + ": lost " + count_with_examples(diff.lost) + ", stale " + count_with_examples(diff.stale) +
                     ", duplicated " + count_with_examples(diff.duplicated)};
}

}  // namespace regsim
