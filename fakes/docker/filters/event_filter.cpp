#include "fakes/docker/filters/event_filter.hpp"

#include "fakes/docker/engine/image_catalog.hpp"

#include <algorithm>

namespace fakes::docker {

namespace {

std::string attribute(const Event& e, const std::string& key) {
  auto it = e.attributes.find(key);
  return it == e.attributes.end() ? std::string{} : it->second;
}

}  // namespace

void validate_event_filters(const FilterArgs& filters) {
  require_known_filters(filters, {"config", "container", "daemon", "event", "image", "label", "network", "node",
                                  "plugin", "scope", "secret", "service", "type", "volume"});
}

bool event_matches(const Event& e, const FilterArgs& filters) {
  for (const auto& [key, values] : filters) {
    if (values.empty()) continue;
    bool ok = true;
    if (key == "type") {
      ok = any_value(values, [&](const std::string& v) { return v == e.type; });
    } else if (key == "event") {
      // "health_status: healthy" matches event=health_status (the engine matches the prefix
      // before ':') as well as the full string.
      std::string base = e.action.substr(0, e.action.find(':'));
      ok = any_value(values, [&](const std::string& v) { return v == e.action || v == base; });
    } else if (key == "container") {
      ok = e.type == "container" && any_value(values, [&](const std::string& v) {
             return v == e.actor_id || v == attribute(e, "name") || (v.size() >= 12 && e.actor_id.rfind(v, 0) == 0);
           });
    } else if (key == "label") {
      ok = labels_match(values, e.attributes);
    } else if (key == "image") {
      std::string image = e.type == "image" ? e.actor_id : attribute(e, "image");
      ok = !image.empty() && any_value(values, [&](const std::string& v) {
        return v == image || normalize_image_reference(v) == normalize_image_reference(image);
      });
    } else if (key == "network") {
      ok = e.type == "network" && any_value(values, [&](const std::string& v) {
             return v == e.actor_id || v == attribute(e, "name");
           });
    } else if (key == "scope") {
      ok = any_value(values, [&](const std::string& v) { return v == e.scope; });
    } else {
      ok = false;  // filters on object kinds this fake never emits
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace fakes::docker
