#pragma once
// regsim's output: one line per check ("PASS  catalog valami: 2 entries as expected" /
// "FAIL  catalog valami within 5s: ..."), a summary per scenario and a final verdict. Counts
// live here so the exit status and the printed totals cannot disagree.

#include "regsim/duration.hpp"

#include <ostream>
#include <string>

namespace regsim {

class Reporter {
 public:
  Reporter(std::ostream& out, bool verbose) : out_(out), verbose_(verbose) {}

  void scenario_start(const std::string& name, const std::string& file, const std::string& description);
  void pass(const std::string& label, const std::string& detail);
  void fail(const std::string& label, const std::string& detail);
  /// Progress (docker operations, process starts): printed only with -v.
  void progress(const std::string& text);
  /// Always printed, indented: where logs are, why steps were skipped.
  void note(const std::string& text);
  void scenario_end(const std::string& name, Duration elapsed);
  /// "N passed, M failed" and PASS or FAIL.
  void final_summary();

  int scenario_failed() const { return scenario_failed_; }
  int total_failed() const { return total_failed_; }
  int total_passed() const { return total_passed_; }

 private:
  std::ostream& out_;
  bool verbose_;
  int scenario_passed_ = 0;
  int scenario_failed_ = 0;
  int total_passed_ = 0;
  int total_failed_ = 0;
  int scenarios_failed_ = 0;
  int scenarios_run_ = 0;
};

}  // namespace regsim
