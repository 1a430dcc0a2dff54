#include "scenarios/regsim/reports/reporter.hpp"

namespace regsim {

namespace {
// Long status lines would wrap, and a wrapped line cannot be redrawn with a carriage return.
constexpr std::size_t max_status_width = 100;
}  // namespace

Duration Reporter::since_scenario_start() const {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - scenario_started_);
}

void Reporter::clear_status() {
  if (!status_shown_) return;
  out_ << "\r\x1b[K";
  status_shown_ = false;
}

void Reporter::status(const std::string& text) {
  if (!live_) return;
  out_ << "\r\x1b[K" << text.substr(0, max_status_width);
  out_.flush();
  status_shown_ = true;
}

void Reporter::scenario_start(const std::string& name, const std::string& file, const std::string& description) {
  clear_status();
  scenario_passed_ = scenario_failed_ = 0;
  scenario_started_ = std::chrono::steady_clock::now();
  ScenarioRecord s;
  s.name = name;
  s.file = file;
  s.description = description;
  record_.scenarios.push_back(std::move(s));
  out_ << "== " << name << " (" << file << ")\n";
  if (verbose_ && !description.empty()) out_ << "   " << description << "\n";
  out_.flush();
}

void Reporter::record_check(const std::string& label, const std::string& detail, bool passed, const CheckMeta& meta) {
  // Results outside any scenario (none today) still count, under an unnamed scenario.
  if (record_.scenarios.empty()) record_.scenarios.emplace_back();
  const auto now = since_scenario_start();
  record_.scenarios.back().checks.push_back(
      CheckRecord{meta.kind, label, detail, passed, now > meta.took ? now - meta.took : Duration{0}, meta.took});
}

void Reporter::pass(const std::string& label, const std::string& detail, const CheckMeta& meta) {
  clear_status();
  ++scenario_passed_;
  ++total_passed_;
  record_check(label, detail, true, meta);
  out_ << "PASS  " << label << ": " << detail << "\n";
  out_.flush();
}

void Reporter::fail(const std::string& label, const std::string& detail, const CheckMeta& meta) {
  clear_status();
  ++scenario_failed_;
  ++total_failed_;
  record_check(label, detail, false, meta);
  out_ << "FAIL  " << label << ": " << detail << "\n";
  out_.flush();
}

void Reporter::progress(const std::string& text) {
  if (!record_.scenarios.empty()) record_.scenarios.back().timeline.push_back({since_scenario_start(), text});
  if (!verbose_) return;
  clear_status();
  out_ << "      " << text << "\n";
  out_.flush();
}

void Reporter::note(const std::string& text) {
  clear_status();
  out_ << "      " << text << "\n";
  out_.flush();
}

void Reporter::scenario_end(const std::string& name, Duration elapsed) {
  clear_status();
  ++scenarios_run_;
  if (scenario_failed_) ++scenarios_failed_;
  if (!record_.scenarios.empty()) {
    record_.scenarios.back().passed = scenario_failed_ == 0;
    record_.scenarios.back().elapsed = elapsed;
  }
  out_ << "-- " << name << ": " << (scenario_failed_ ? "FAIL" : "PASS") << " (" << scenario_passed_ << " passed, "
       << scenario_failed_ << " failed, " << format_duration(elapsed) << ")\n\n";
  out_.flush();
}

void Reporter::final_summary() {
  clear_status();
  out_ << total_passed_ << " passed, " << total_failed_ << " failed";
  if (scenarios_run_ > 1)
    out_ << " (" << scenarios_run_ << " scenarios, " << scenarios_failed_ << " failed)";
  out_ << "\n" << (total_failed_ ? "FAIL" : "PASS") << "\n";
  out_.flush();
}

}  // namespace regsim
