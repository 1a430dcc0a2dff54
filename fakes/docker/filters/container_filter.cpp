#include "fakes/docker/filters/container_filter.hpp"

#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/engine/image_catalog.hpp"

#include <algorithm>

namespace fakes::docker {

namespace {

bool valid_status(const std::string& s) {
  for (const char* ok : {"created", "restarting", "running", "removing", "paused", "exited", "dead"})
    if (s == ok) return true;
  return false;
}

bool parse_int(const std::string& s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  int v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = s[0] == '-' ? -v : v;
  return true;
}

}  // namespace

void validate_container_filters(const FilterArgs& filters) {
  require_known_filters(filters, {"status", "label", "name", "id", "network", "ancestor", "exited", "health",
                                  "before", "since", "expose", "publish", "volume", "isolation", "is-task"});
  if (auto it = filters.find("status"); it != filters.end())
    for (const auto& s : it->second)
      if (!valid_status(s))
        throw bad_parameter("invalid filter 'status=" + s +
                            "': Invalid filter 'status', value must be one of: created, restarting, running, "
                            "removing, paused, exited, dead");
  if (auto it = filters.find("exited"); it != filters.end())
    for (const auto& s : it->second) {
      int code;
      if (!parse_int(s, code)) throw bad_parameter("invalid filter 'exited=" + s + "'");
    }
}

bool container_matches(const Container& c, const FilterArgs& filters) {
  for (const auto& [key, values] : filters) {
    if (values.empty()) continue;
    bool ok = true;
    if (key == "status") {
      ok = any_value(values, [&](const std::string& s) { return s == c.state.status; });
    } else if (key == "label") {
      ok = labels_match(values, c.config.labels);
    } else if (key == "name") {
      // The engine matches names as a regular expression against "/name"; substring match
      // covers what clients send in practice.
      ok = any_value(values, [&](const std::string& s) {
        std::string slashed = "/" + c.name;
        return slashed.find(s) != std::string::npos;
      });
    } else if (key == "id") {
      ok = any_value(values, [&](const std::string& s) { return c.id.rfind(s, 0) == 0; });
    } else if (key == "network") {
      ok = any_value(values, [&](const std::string& s) {
        auto on = [&](const Endpoint& e) {
          return !e.network.empty() && (s == e.network || (!s.empty() && e.network_id.rfind(s, 0) == 0));
        };
        return on(c.endpoint) || std::any_of(c.connected.begin(), c.connected.end(), on);
      });
    } else if (key == "ancestor") {
      ok = any_value(values, [&](const std::string& s) {
        return normalize_image_reference(s) == normalize_image_reference(c.config.image) || s == c.image_id ||
               ("sha256:" + s) == c.image_id;
      });
    } else if (key == "exited") {
      ok = c.state.status == "exited" && any_value(values, [&](const std::string& s) {
             int code;
             return parse_int(s, code) && code == c.state.exit_code;
           });
    } else if (key == "health") {
      ok = any_value(values, [&](const std::string& s) {
        return s == (c.state.health.empty() ? std::string("none") : c.state.health);
      });
    }
    // before/since/expose/publish/volume/isolation/is-task are accepted but not applied.
    if (!ok) return false;
  }
  return true;
}

}  // namespace fakes::docker
