#pragma once
// What happened in a run, kept for the report writers (--junit, --json, --html): per scenario
// every check with its outcome and timing, and the timeline of steps. The Reporter fills it as
// results come in, so the printed lines and the files cannot disagree.

#include "scenarios/regsim/language/duration.hpp"

#include <string>
#include <vector>

namespace regsim {

struct CheckRecord {
  std::string kind;    // catalog, dns, container; step (a failed operation), setup, processes
  std::string label;   // as printed: "catalog valami", "wait for container host1/web5 exited"
  std::string detail;  // what was seen; on failure what differed
  bool passed = false;
  Duration started{0};  // since the scenario started
  Duration took{0};     // from the check's start until it held (or failed)
};

/// One entry of the timeline: a docker, daemon or consul operation, or a pause.
struct TimelineEntry {
  Duration at{0};  // since the scenario started
  std::string text;
};

struct ScenarioRecord {
  std::string name;
  std::string file;
  std::string description;
  bool passed = false;
  Duration elapsed{0};
  std::vector<CheckRecord> checks;
  std::vector<TimelineEntry> timeline;
};

struct RunRecord {
  std::vector<ScenarioRecord> scenarios;
  int passed_checks() const;
  int failed_checks() const;
};

}  // namespace regsim
