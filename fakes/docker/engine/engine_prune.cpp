// Engine, prune: `docker container prune` and `docker network prune` as the engine does them
// (daemon/prune.go): what is removed, the filters it accepts, and the events, one destroy per
// object and then a "prune" event with the space reclaimed (always 0 here: no layers, no disk).
#include "fakes/docker/engine/engine.hpp"

#include "fakes/docker/engine/docker_error.hpp"

#include <algorithm>
#include <cctype>

namespace fakes::docker {

namespace {

// Go's time.ParseDuration for what prune filters take in practice: "24h", "1h30m", "90s",
// "500ms" (positive, units h/m/s/ms/us/µs/ns, decimals allowed).
bool parse_go_duration(const std::string& text, std::int64_t& out_nanos) {
  static const std::pair<const char*, double> units[] = {
      {"ns", 1.0}, {"us", 1e3}, {"\u00b5s", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  if (text.empty() || text.size() > 40) return false;
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == start) return false;
    const std::string number = text.substr(start, i - start);
    if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") return false;
    const double value = std::stod(number);
    const std::size_t unit_start = i;
    while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
    const std::string unit = text.substr(unit_start, i - unit_start);
    const auto* found = std::find_if(std::begin(units), std::end(units), [&](const auto& u) { return unit == u.first; });
    if (found == std::end(units)) return false;
    total += value * found->second;
  }
  out_nanos = static_cast<std::int64_t>(total);
  return true;
}

// The `until` filter: objects created before this time. Unix seconds or a Go duration before
// now; the engine's RFC 3339 dates are refused with a clear error instead of misread.
std::int64_t until_nanos(const std::string& value, std::int64_t now) {
  std::int64_t nanos = 0;
  if (parse_unix_seconds(value, nanos)) return nanos;
  if (parse_go_duration(value, nanos)) return now - nanos;
  throw bad_parameter("invalid filter 'until=" + value +
                      "': fake-docker takes a Unix timestamp in seconds or a Go duration (24h, 90m)");
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
