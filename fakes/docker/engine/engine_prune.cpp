// Engine, prune: `docker container prune` and `docker network prune` as the engine does them
// (daemon/prune.go): what is removed, the filters it accepts, and the events, one destroy per
// object and then a "prune" event with the space reclaimed (always 0 here: no layers, no disk).
#include "fakes/docker/engine/engine.hpp"

#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/engine/docker_time.hpp"

#include <algorithm>
#include <cctype>

namespace fakes::docker {

namespace {


// The `until` filter: objects created before this time (daemon/prune.go getUntilFromPruneFilters).
std::int64_t until_nanos(const std::string& value, std::int64_t now) {
  try {
    return parse_time_value(value, now);
  } catch (const TimeValueError& e) {
    throw bad_parameter(e.what());
  }
}

// daemon/prune.go matchLabels: every `label` must match, and not all of `label!`.
bool prune_labels_match(const FilterArgs& filters, const std::map<std::string, std::string>& labels) {
  if (auto it = filters.find("label"); it != filters.end() && !labels_match(it->second, labels)) return false;
  if (auto it = filters.find("label!"); it != filters.end() && !it->second.empty() && labels_match(it->second, labels))
    return false;
  return true;
}

bool created_before_until(const FilterArgs& filters, std::int64_t created, std::int64_t now) {
  const auto it = filters.find("until");
  if (it == filters.end() || it->second.empty()) return true;
  if (it->second.size() > 1) throw bad_parameter("more than one until filter specified");
  return created < until_nanos(it->second.front(), now);
}

}  // namespace

std::vector<std::string> Engine::prune_containers(const FilterArgs& filters) {
  require_known_filters(filters, {"until", "label", "label!"});
  created_before_until(filters, 0, now());  // a bad `until` is refused before anything goes
  std::vector<std::string> doomed;
  for (const auto& c : containers_) {
    if (c->state.running) continue;  // paused containers are running too
    if (!created_before_until(filters, c->created, now()) || !prune_labels_match(filters, c->config.labels)) continue;
    doomed.push_back(c->id);
  }
  for (const auto& id : doomed) remove(id, false);
  events_.append(Event{"container", "prune", "", {{"reclaimed", "0"}}, "local", now()});
  return doomed;
}

std::vector<std::string> Engine::prune_networks(const FilterArgs& filters) {
  require_known_filters(filters, {"until", "label", "label!"});
  created_before_until(filters, 0, now());
  std::vector<std::string> doomed;
  for (const auto& n : networks_) {
    if (n->predefined) continue;
    if (!created_before_until(filters, n->created, now()) || !prune_labels_match(filters, n->labels)) continue;
    // A stopped container's config does not hold a network.
    if (!network_in_use(n->id)) doomed.push_back(n->name);
  }
  for (const auto& name : doomed) remove_network(name);
  events_.append(Event{"network", "prune", "", {{"reclaimed", "0"}}, "local", now()});
  return doomed;
}

}  // namespace fakes::docker
