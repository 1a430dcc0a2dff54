#pragma once
// --html FILE: one self-contained page (inline CSS and SVG, no scripts, nothing fetched): the
// verdict, a summary table of scenarios, a histogram of how long passed checks took to hold,
// and per scenario its timeline and its list of checks with what was seen.

#include "scenarios/regsim/reports/run_record.hpp"

#include <string>

namespace regsim {

std::string html_report(const RunRecord& run);

}  // namespace regsim
