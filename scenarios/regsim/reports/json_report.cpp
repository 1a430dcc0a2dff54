#include "scenarios/regsim/reports/json_report.hpp"

namespace regsim {

nlohmann::json json_report(const RunRecord& run) {
  using nlohmann::json;
  json scenarios = json::array();
  for (const auto& s : run.scenarios) {
    json checks = json::array();
    for (const auto& c : s.checks)
      checks.push_back({{"kind", c.kind},
                        {"description", c.label},
                        {"passed", c.passed},
                        {"message", c.detail},
                        {"started_ms", c.started.count()},
                        {"duration_ms", c.took.count()}});
    json timeline = json::array();
    for (const auto& t : s.timeline) timeline.push_back({{"at_ms", t.at.count()}, {"text", t.text}});
    scenarios.push_back({{"name", s.name},
                         {"file", s.file},
                         {"description", s.description},
                         {"passed", s.passed},
                         {"duration_ms", s.elapsed.count()},
                         {"checks", checks},
                         {"timeline", timeline}});
  }
  return {{"passed", run.failed_checks() == 0},
          {"checks_passed", run.passed_checks()},
          {"checks_failed", run.failed_checks()},
          {"scenarios", scenarios}};
}

}  // namespace regsim
