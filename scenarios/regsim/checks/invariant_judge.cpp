#include "scenarios/regsim/checks/invariant_judge.hpp"

#include <algorithm>

namespace regsim {
namespace {

struct ParsedId {
  std::string host, container, port;
};

// "host1:web:80" or "host1:web:53:udp" -> its parts; nullopt for IDs of another form.
std::optional<ParsedId> parse_service_id(const std::string& id) {
  const auto first = id.find(':');
  if (first == std::string::npos) return std::nullopt;
  const auto second = id.find(':', first + 1);
  if (second == std::string::npos) return std::nullopt;
  const auto third = id.find(':', second + 1);
  ParsedId p{id.substr(0, first), id.substr(first + 1, second - first - 1),
             id.substr(second + 1, third == std::string::npos ? std::string::npos : third - second - 1)};
  if (p.container.empty() || p.port.empty() || !std::all_of(p.port.begin(), p.port.end(), ::isdigit)) return std::nullopt;
  return p;
}

std::string polls_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " poll" : " polls"); }

// "SERVICE_80_IGNORE" -> "80"; "" for anything else.
std::string ignored_port(const std::string& key) {
  const std::string prefix = "SERVICE_", suffix = "_IGNORE";
  if (!key.starts_with(prefix) || !key.ends_with(suffix) || key.size() <= prefix.size() + suffix.size()) return {};
  const auto port = key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
  return std::all_of(port.begin(), port.end(), ::isdigit) ? port : std::string{};
}

}  // namespace

std::set<std::string> ignored_containers(const Scenario& scenario) {
  std::set<std::string> out;
  auto consider = [&](const std::string& container, const std::string& key, const std::string& value) {
    if (value.empty()) return;  // upstream: an empty SERVICE_IGNORE does not ignore
    if (key == "SERVICE_IGNORE") out.insert(container);
    else if (const auto port = ignored_port(key); !port.empty()) out.insert(container + "/" + port);
  };
  for (const auto& step : scenario.steps) {
    if (const auto* run = std::get_if<RunAction>(&step.action)) {
      for (const auto& [k, v] : run->env) consider(run->host + "/" + run->name, k, v);
      for (const auto& [k, v] : run->labels) consider(run->host + "/" + run->name, k, v);
    } else if (const auto* compose = std::get_if<ComposeAction>(&step.action); compose && compose->up) {
      for (const auto& c : compose->project.containers) {
        const auto container = compose->host + "/" + c.name;
        for (const auto& kv : c.env) consider(container, kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
        for (const auto& [k, v] : c.labels) consider(container, k, v);
      }
    }
  }
  return out;
}

InvariantJudge::InvariantJudge(InvariantSpec spec, std::map<std::string, std::string> hosts,
                                   std::set<std::string> ignored)
    : spec_(std::move(spec)), hosts_(std::move(hosts)), ignored_(std::move(ignored)) {}

void InvariantJudge::violate(Record& record, Duration at, const std::string& what) {
  ++record.broken_polls;
  if (!record.first) record.first = "at " + format_duration(at) + ": " + what;
}

void InvariantJudge::observe(Duration at, const std::vector<RegisteredInstance>& registry,
                               const RunningContainers& running) {
  ++observations_;
  last_at_ = at;

  if (spec_.no_duplicate_ids) {
    std::map<std::string, std::vector<std::string>> nodes_of_id;
    for (const auto& r : registry) nodes_of_id[r.service_id].push_back(r.node);
    for (const auto& [id, nodes] : nodes_of_id)
      if (nodes.size() > 1) {
        std::string where;
        for (const auto& n : nodes) where += (where.empty() ? "" : ", ") + n;
        violate(duplicates_, at, id + " registered " + std::to_string(nodes.size()) + " times (nodes " + where + ")");
        break;  // one message per poll is enough
      }
  }

  if (spec_.stopped_deregistered_within) {
    std::set<std::string> still_stale;
    bool reported = false;
    for (const auto& r : registry) {
      const auto id = parse_service_id(r.service_id);
      if (!id) continue;
      const auto host = hosts_.find(id->host);
      if (host == hosts_.end()) continue;
      const auto host_running = running.find(host->second);
      if (host_running == running.end()) continue;  // that host's Docker did not answer this poll
      if (host_running->second.count(id->container)) continue;
      const auto key = host->second + "/" + id->container;
      still_stale.insert(key);
      const auto since = stopped_but_registered_since_.emplace(key, at).first->second;
      if (!reported && at - since > *spec_.stopped_deregistered_within) {
        violate(stale_, at, r.service_id + " still registered " + format_duration(at - since) +
                                " after its container was seen not running");
        reported = true;
      }
    }
    std::erase_if(stopped_but_registered_since_, [&](const auto& kv) { return !still_stale.count(kv.first); });
  }

  if (spec_.ignored_never_registered)
    for (const auto& r : registry) {
      const auto id = parse_service_id(r.service_id);
      if (!id) continue;
      const auto host = hosts_.find(id->host);
      if (host == hosts_.end()) continue;
      const auto container = host->second + "/" + id->container;
      if (ignored_.count(container) || ignored_.count(container + "/" + id->port)) {
        violate(ignored_seen_, at, r.service_id + " is registered although it is ignored");
        break;
      }
    }
}

std::vector<InvariantJudge::Verdict> InvariantJudge::verdicts() const {
  std::vector<Verdict> out;
  const std::string over = " over " + polls_text(observations_) +
                           (last_at_ ? " in " + format_duration(*last_at_) : std::string{});
  auto verdict = [&](const std::string& label, const Record& r) {
    if (!r.first) return out.push_back({label, true, "held" + over});
    out.push_back({label, false, *r.first + " (broken at " + polls_text(r.broken_polls) + " of " +
                                     std::to_string(observations_) + ")"});
  };
  if (spec_.no_duplicate_ids) verdict("invariant no duplicate service IDs", duplicates_);
  if (spec_.stopped_deregistered_within)
    verdict("invariant stopped containers deregistered within " + format_duration(*spec_.stopped_deregistered_within),
            stale_);
  if (spec_.ignored_never_registered) verdict("invariant ignored containers never registered", ignored_seen_);
  if (observations_ == 0)
    for (auto& v : out) v = {v.label, false, "never observed: the catalog or Docker did not answer any poll"};
  return out;
}

}  // namespace regsim
