#pragma once
// Writes the report files asked for on the command line (--junit, --json, --html) from the
// run's record. Each file is written to a temporary name and renamed, so a reader never sees
// half a report.

#include "scenarios/regsim/reports/run_record.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace regsim {

struct ReportPaths {
  std::filesystem::path junit;
  std::filesystem::path json;
  std::filesystem::path html;
  bool any() const { return !junit.empty() || !json.empty() || !html.empty(); }
};

/// Returns one message per file that could not be written ("cannot write --junit out.xml: ...").
std::vector<std::string> write_reports(const RunRecord& run, const ReportPaths& paths);

}  // namespace regsim
