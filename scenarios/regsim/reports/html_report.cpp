#include "scenarios/regsim/reports/html_report.hpp"

#include "scenarios/regsim/reports/markup_text.hpp"
#include "scenarios/regsim/reports/svg_charts.hpp"

#include <sstream>

namespace regsim {

namespace {

constexpr const char* style = R"(
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.detail { font-family: monospace; white-space: pre-wrap; max-width: 60em; }
.pass { color: #1d7a3a; font-weight: bold; }
.fail { color: #b52b27; font-weight: bold; }
svg text { font-size: 11px; font-family: sans-serif; }
section { margin-top: 2em; }
)";

std::string verdict(bool passed) {
  return passed ? "<span class=\"pass\">PASS</span>" : "<span class=\"fail\">FAIL</span>";
}

std::string anchor(std::size_t index) { return "scenario-" + std::to_string(index + 1); }

void write_summary(std::ostringstream& out, const RunRecord& run) {
  out << "<h2>Scenarios</h2>\n<table class=\"summary\">\n"
      << "<tr><th>scenario</th><th>result</th><th>passed</th><th>failed</th><th>duration</th></tr>\n";
  for (std::size_t i = 0; i < run.scenarios.size(); ++i) {
    const auto& s = run.scenarios[i];
    int failed = 0;
    for (const auto& c : s.checks) failed += !c.passed;
    out << "<tr><td><a href=\"#" << anchor(i) << "\">" << escape_markup(s.name) << "</a></td><td>"
        << verdict(s.passed) << "</td><td>" << s.checks.size() - static_cast<std::size_t>(failed) << "</td><td>"
        << failed << "</td><td>" << escape_markup(format_duration(s.elapsed)) << "</td></tr>\n";
  }
  out << "</table>\n";
}

void write_scenario(std::ostringstream& out, const ScenarioRecord& s, std::size_t index) {
  out << "<section id=\"" << anchor(index) << "\">\n<h2>" << escape_markup(s.name) << " " << verdict(s.passed)
      << "</h2>\n<p>" << escape_markup(s.file) << ", " << escape_markup(format_duration(s.elapsed)) << "</p>\n";
  if (!s.description.empty()) out << "<p>" << escape_markup(s.description) << "</p>\n";
  out << "<h3>Timeline</h3>\n" << timeline_svg(s);
  out << "<h3>Checks</h3>\n<table class=\"checks\">\n"
      << "<tr><th>#</th><th>result</th><th>check</th><th>started</th><th>took</th><th>what was seen</th></tr>\n";
  for (std::size_t i = 0; i < s.checks.size(); ++i) {
    const auto& c = s.checks[i];
    out << "<tr><td>" << i + 1 << "</td><td>" << verdict(c.passed) << "</td><td>" << escape_markup(c.label)
        << "</td><td>" << escape_markup(format_duration(c.started)) << "</td><td>"
        << escape_markup(format_duration(c.took)) << "</td><td class=\"detail\">" << escape_markup(c.detail)
        << "</td></tr>\n";
  }
  out << "</table>\n</section>\n";
}

}  // namespace

std::string html_report(const RunRecord& run) {
  std::vector<Duration> lags;
  for (const auto& s : run.scenarios)
    for (const auto& c : s.checks)
      if (c.passed && c.kind != "step") lags.push_back(c.took);

  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>regsim report</title>\n<style>"
      << style << "</style>\n</head>\n<body>\n";
  out << "<h1>regsim report " << verdict(run.failed_checks() == 0) << "</h1>\n<p>" << run.passed_checks()
      << " checks passed, " << run.failed_checks() << " failed, in " << run.scenarios.size() << " scenario(s).</p>\n";
  write_summary(out, run);
  out << "<h2>Time until a check held</h2>\n<p>How long passed checks waited for registrator (" << lags.size()
      << " checks).</p>\n"
      << lag_histogram_svg(lags);
  for (std::size_t i = 0; i < run.scenarios.size(); ++i) write_scenario(out, run.scenarios[i], i);
  out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace regsim
