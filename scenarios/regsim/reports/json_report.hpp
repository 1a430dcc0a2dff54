#pragma once
// --json FILE: the run for programs to read.
//   {"passed": bool, "checks_passed": N, "checks_failed": M,
//    "scenarios": [{"name", "file", "description", "passed", "duration_ms",
//                   "checks": [{"kind", "description", "passed", "message", "started_ms", "duration_ms"}],
//                   "timeline": [{"at_ms", "text"}]}]}
// "description" of a check is its printed label; "message" what was seen (on failure: what
// differed); "duration_ms" how long until it held or failed.

#include "scenarios/regsim/reports/run_record.hpp"

#include <nlohmann/json.hpp>

namespace regsim {

nlohmann::json json_report(const RunRecord& run);

}  // namespace regsim
