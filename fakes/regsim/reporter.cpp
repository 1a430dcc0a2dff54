#include "regsim/reporter.hpp"

namespace regsim {

void Reporter::scenario_start(const std::string& name, const std::string& file, const std::string& description) {
  scenario_passed_ = scenario_failed_ = 0;
  out_ << "== " << name << " (" << file << ")\n";
  if (verbose_ && !description.empty()) out_ << "   " << description << "\n";
  out_.flush();
}

void Reporter::pass(const std::string& label, const std::string& detail) {
  ++scenario_passed_;
  ++total_passed_;
  out_ << "PASS  " << label << ": " << detail << "\n";
  out_.flush();
}

void Reporter::fail(const std::string& label, const std::string& detail) {
  ++scenario_failed_;
  ++total_failed_;
  out_ << "FAIL  " << label << ": " << detail << "\n";
  out_.flush();
}

void Reporter::progress(const std::string& text) {
  if (!verbose_) return;
  out_ << "      " << text << "\n";
  out_.flush();
}

void Reporter::note(const std::string& text) {
  out_ << "      " << text << "\n";
  out_.flush();
}

void Reporter::scenario_end(const std::string& name, Duration elapsed) {
  ++scenarios_run_;
  if (scenario_failed_) ++scenarios_failed_;
  out_ << "-- " << name << ": " << (scenario_failed_ ? "FAIL" : "PASS") << " (" << scenario_passed_ << " passed, "
       << scenario_failed_ << " failed, " << format_duration(elapsed) << ")\n\n";
  out_.flush();
}

void Reporter::final_summary() {
  out_ << total_passed_ << " passed, " << total_failed_ << " failed";
  if (scenarios_run_ > 1)
    out_ << " (" << scenarios_run_ << " scenarios, " << scenarios_failed_ << " failed)";
  out_ << "\n" << (total_failed_ ? "FAIL" : "PASS") << "\n";
  out_.flush();
}

}  // namespace regsim
