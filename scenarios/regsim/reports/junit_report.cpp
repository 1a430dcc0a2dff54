#include "scenarios/regsim/reports/junit_report.hpp"

#include "scenarios/regsim/reports/markup_text.hpp"

#include <sstream>

namespace regsim {

std::string junit_xml(const RunRecord& run) {
  Duration total{0};
  for (const auto& s : run.scenarios) total += s.elapsed;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"regsim\" tests=\"" << run.passed_checks() + run.failed_checks() << "\" failures=\""
      << run.failed_checks() << "\" time=\"" << seconds_text(total) << "\">\n";
  for (const auto& s : run.scenarios) {
    int failures = 0;
    for (const auto& c : s.checks) failures += !c.passed;
    out << "  <testsuite name=\"" << escape_markup(s.name) << "\" tests=\"" << s.checks.size() << "\" failures=\""
        << failures << "\" errors=\"0\" time=\"" << seconds_text(s.elapsed) << "\" file=\"" << escape_markup(s.file)
        << "\">\n";
    for (std::size_t i = 0; i < s.checks.size(); ++i) {
      const auto& c = s.checks[i];
      // Check labels repeat within a scenario ("catalog valami" twice); CI tools key test cases
      // by name, so the position makes each one distinct.
      const std::string name = std::to_string(i + 1) + ". " + c.label;
      out << "    <testcase classname=\"" << escape_markup(s.name) << "\" name=\"" << escape_markup(name)
          << "\" time=\"" << seconds_text(c.took) << "\"";
      if (c.passed) {
        out << "/>\n";
      } else {
        out << ">\n      <failure message=\"" << escape_markup(c.detail) << "\" type=\"" << escape_markup(c.kind)
            << "\">" << escape_markup(c.label + ": " + c.detail) << "</failure>\n    </testcase>\n";
      }
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace regsim
