#include "scenarios/regsim/reports/svg_charts.hpp"

#include "scenarios/regsim/reports/markup_text.hpp"

#include <algorithm>
#include <sstream>

namespace regsim {

namespace {

std::string bucket_label(std::size_t i) {
  const auto& bounds = lag_bucket_bounds();
  auto text = [](long long ms) { return format_duration(Duration(ms)); };
  if (i == bounds.size()) return ">= " + text(bounds.back());
  return "< " + text(bounds[i]);
}

}  // namespace

const std::vector<long long>& lag_bucket_bounds() {
  static const std::vector<long long> bounds = {50, 100, 250, 500, 1000, 2000, 5000};
  return bounds;
}

std::vector<int> lag_histogram(const std::vector<Duration>& lags) {
  const auto& bounds = lag_bucket_bounds();
  std::vector<int> counts(bounds.size() + 1, 0);
  for (const auto lag : lags) {
    const auto it = std::upper_bound(bounds.begin(), bounds.end(), lag.count());
    ++counts[static_cast<std::size_t>(it - bounds.begin())];
  }
  return counts;
}

std::string lag_histogram_svg(const std::vector<Duration>& lags) {
  const auto counts = lag_histogram(lags);
  const int most = std::max(1, *std::max_element(counts.begin(), counts.end()));
  constexpr int bar_width = 70, gap = 10, plot_height = 160, top = 20, left = 10;
  const int width = left + static_cast<int>(counts.size()) * (bar_width + gap);
  const int height = top + plot_height + 40;
  std::ostringstream svg;
  svg << "<svg class=\"lag\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\">\n";
  svg << "<title>time until a passed check held, " << lags.size() << " checks</title>\n";
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const int h = counts[i] * plot_height / most;
    const int x = left + static_cast<int>(i) * (bar_width + gap);
    const int y = top + plot_height - h;
    svg << "<g><title>" << escape_markup(bucket_label(i)) << ": " << counts[i] << " check(s)</title>"
        << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << bar_width << "\" height=\"" << h
        << "\" fill=\"#4a90d9\"/>"
        << "<text x=\"" << x + bar_width / 2 << "\" y=\"" << y - 4 << "\" text-anchor=\"middle\">" << counts[i]
        << "</text>"
        << "<text x=\"" << x + bar_width / 2 << "\" y=\"" << top + plot_height + 18
        << "\" text-anchor=\"middle\">" << escape_markup(bucket_label(i)) << "</text></g>\n";
  }
  svg << "<line x1=\"" << left << "\" y1=\"" << top + plot_height << "\" x2=\"" << width << "\" y2=\""
      << top + plot_height << "\" stroke=\"#333\"/>\n";
  svg << "</svg>\n";
  return svg.str();
}

std::string timeline_svg(const ScenarioRecord& s) {
  constexpr int width = 900, left = 10, right = 10, row = 14, ticks_row = 24;
  // The axis spans the scenario (at least 1 ms so an empty run still draws).
  Duration::rep span = std::max<Duration::rep>(1, s.elapsed.count());
  for (const auto& c : s.checks) span = std::max(span, (c.started + c.took).count());
  for (const auto& t : s.timeline) span = std::max(span, t.at.count());
  auto x_of = [&](Duration::rep ms) { return left + static_cast<int>(ms * (width - left - right) / span); };

  const int height = ticks_row + static_cast<int>(s.checks.size()) * row + 24;
  std::ostringstream svg;
  svg << "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
      << height << "\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\">\n";
  svg << "<title>timeline of " << escape_markup(s.name) << ": operations (ticks) and checks (bars)</title>\n";
  for (const auto& t : s.timeline) {
    const int x = x_of(t.at.count());
    svg << "<g><title>" << escape_markup(format_duration(t.at) + ": " + t.text) << "</title><line x1=\"" << x
        << "\" y1=\"4\" x2=\"" << x << "\" y2=\"" << ticks_row - 4 << "\" stroke=\"#777\" stroke-width=\"2\"/></g>\n";
  }
  for (std::size_t i = 0; i < s.checks.size(); ++i) {
    const auto& c = s.checks[i];
    const int x = x_of(c.started.count());
    const int w = std::max(2, x_of((c.started + c.took).count()) - x);
    const int y = ticks_row + static_cast<int>(i) * row;
    svg << "<g><title>" << escape_markup(c.label + " (" + format_duration(c.took) + "): " + c.detail)
        << "</title><rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << row - 4
        << "\" fill=\"" << (c.passed ? "#3c9d5d" : "#d9534f") << "\"/></g>\n";
  }
  const int axis_y = height - 16;
  svg << "<line x1=\"" << left << "\" y1=\"" << axis_y << "\" x2=\"" << width - right << "\" y2=\"" << axis_y
      << "\" stroke=\"#333\"/>\n";
  svg << "<text x=\"" << left << "\" y=\"" << height - 2 << "\">0</text><text x=\"" << width - right << "\" y=\""
      << height - 2 << "\" text-anchor=\"end\">" << escape_markup(format_duration(Duration(span))) << "</text>\n";
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace regsim
