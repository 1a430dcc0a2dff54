#include "fakes/docker/filters/network_filter.hpp"

#include "fakes/docker/engine/docker_error.hpp"

namespace fakes::docker {

void validate_network_filters(const FilterArgs& filters) {
  require_known_filters(filters, {"name", "id", "label", "driver", "type", "scope", "dangling"});
  if (auto it = filters.find("type"); it != filters.end())
    for (const auto& v : it->second)
      if (v != "custom" && v != "builtin") throw bad_parameter("invalid filter: 'type' must be one of custom, builtin, not \"" + v + "\"");
  if (auto it = filters.find("dangling"); it != filters.end()) {
    if (it->second.size() > 1) throw bad_parameter("invalid filter: 'dangling' takes one value");
    for (const auto& v : it->second)
      if (v != "true" && v != "false" && v != "1" && v != "0")
        throw bad_parameter("invalid filter 'dangling=" + v + "'");
  }
}

bool network_matches(const Network& n, const FilterArgs& filters, bool in_use) {
  for (const auto& [key, values] : filters) {
    if (values.empty()) continue;
    bool ok = true;
    if (key == "name") {
      ok = any_value(values, [&](const std::string& v) { return n.name.find(v) != std::string::npos; });
    } else if (key == "id") {
      ok = any_value(values, [&](const std::string& v) { return n.id.rfind(v, 0) == 0; });
    } else if (key == "label") {
      ok = labels_match(values, n.labels);
    } else if (key == "driver") {
      ok = any_value(values, [&](const std::string& v) { return v == n.driver; });
    } else if (key == "type") {
      ok = any_value(values, [&](const std::string& v) { return (v == "builtin") == n.predefined; });
    } else if (key == "scope") {
      ok = any_value(values, [&](const std::string& v) { return v == "local"; });
    } else if (key == "dangling") {
      const bool want_dangling = values.front() == "true" || values.front() == "1";
      ok = want_dangling == (!n.predefined && !in_use);
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace fakes::docker
