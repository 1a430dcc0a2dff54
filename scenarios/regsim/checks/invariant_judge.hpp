#pragma once
// Judges a scenario's invariants from a series of observations (the catalog's instances and
// each host's running containers at one poll). Pure: the sampler that polls feeds it, tests feed
// it by hand. Each invariant keeps its first violation (what and when) and how many polls broke it.

#include "scenarios/regsim/language/duration.hpp"
#include "scenarios/regsim/language/scenario.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace regsim {

struct RegisteredInstance {
  std::string service;     // the service's name
  std::string service_id;  // "host1:web:80"
  std::string node;
};

/// host name -> names of its running containers (`docker ps`).
using RunningContainers = std::map<std::string, std::set<std::string>>;

/// "host/name" for a container run with SERVICE_IGNORE, "host/name/port" for SERVICE_<port>_IGNORE,
/// from the scenario's run steps.
std::set<std::string> ignored_containers(const Scenario& scenario);

class InvariantJudge {
 public:
  /// `hosts`: the host part of service IDs (each registrator's -hostname) -> the scenario's host
  /// name, which `running` and `ignored` use.
  InvariantJudge(InvariantSpec spec, std::map<std::string, std::string> hosts, std::set<std::string> ignored);

  /// One poll, `at` after the scenario started.
  void observe(Duration at, const std::vector<RegisteredInstance>& registry, const RunningContainers& running);

  struct Verdict {
    std::string label;  // "invariant no duplicate service IDs"
    bool held = true;
    std::string detail;
  };
  /// One verdict per invariant the spec asks for.
  std::vector<Verdict> verdicts() const;
  std::size_t observations() const { return observations_; }

 private:
  struct Record {
    std::size_t broken_polls = 0;
    std::optional<std::string> first;  // "at 3.25s: host1:web:80 registered 2 times"
  };
  void violate(Record& record, Duration at, const std::string& what);

  InvariantSpec spec_;
  std::map<std::string, std::string> hosts_;
  std::set<std::string> ignored_;
  std::size_t observations_ = 0;
  std::optional<Duration> last_at_;
  std::map<std::string, Duration> stopped_but_registered_since_;  // "host/name" -> first poll seen so
  Record duplicates_, stale_, ignored_seen_;
};

}  // namespace regsim
