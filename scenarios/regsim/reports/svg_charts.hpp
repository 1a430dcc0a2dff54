#pragma once
// The two pictures of the HTML report, as inline SVG (no scripts, no external files):
// a histogram of how long passed checks took to hold (registrator's lag), and a scenario's
// timeline (operations as ticks, checks as bars from start to outcome, red when failed).
// Every element carries a <title>, so hovering shows the exact text.

#include "scenarios/regsim/reports/run_record.hpp"

#include <string>
#include <vector>

namespace regsim {

/// Upper bounds (ms) of the histogram's buckets; the last bucket is open-ended.
const std::vector<long long>& lag_bucket_bounds();

/// How many of `lags` fall into each bucket: lag_bucket_bounds().size() + 1 counts.
std::vector<int> lag_histogram(const std::vector<Duration>& lags);

std::string lag_histogram_svg(const std::vector<Duration>& lags);
std::string timeline_svg(const ScenarioRecord& scenario);

}  // namespace regsim
