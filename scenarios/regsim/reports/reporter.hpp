#pragma once
// regsim's output: one line per check ("PASS  catalog valami: 2 entries as expected" /
// "FAIL  catalog valami within 5s: ..."), a summary per scenario and a final verdict. Counts
// live here so the exit status and the printed totals cannot disagree, and every result is
// also recorded (RunRecord) for the report files.
//
// On a terminal a live status line ("step 4/12  waiting for catalog valami 1.2s/5s") is
// redrawn in place; it is erased before any other output, and never drawn when stdout is a
// pipe or a file (tests and CI).

#include "scenarios/regsim/language/duration.hpp"
#include "scenarios/regsim/reports/run_record.hpp"

#include <chrono>
#include <ostream>
#include <string>

namespace regsim {

/// How a result came about, for the records: what kind of check and how long it took.
struct CheckMeta {
  std::string kind = "step";
  Duration took{0};
};

class Reporter {
 public:
  Reporter(std::ostream& out, bool verbose, bool live = false) : out_(out), verbose_(verbose), live_(live) {}

  void scenario_start(const std::string& name, const std::string& file, const std::string& description);
  void pass(const std::string& label, const std::string& detail, const CheckMeta& meta = {});
  void fail(const std::string& label, const std::string& detail, const CheckMeta& meta = {});
  /// Progress (docker operations, process starts): printed only with -v; always on the timeline.
  void progress(const std::string& text);
  /// Always printed, indented: where logs are, why steps were skipped.
  void note(const std::string& text);
  /// The live status line (terminal only): replaces the previous one.
  void status(const std::string& text);
  /// Erases the live status line, before output that is not the reporter's.
  void clear_status();
  void scenario_end(const std::string& name, Duration elapsed);
  /// "N passed, M failed" and PASS or FAIL.
  void final_summary();

  int scenario_failed() const { return scenario_failed_; }
  int total_failed() const { return total_failed_; }
  int total_passed() const { return total_passed_; }
  const RunRecord& record() const { return record_; }

 private:
  void record_check(const std::string& label, const std::string& detail, bool passed, const CheckMeta& meta);
  Duration since_scenario_start() const;

  std::ostream& out_;
  bool verbose_;
  bool live_;
  bool status_shown_ = false;
  int scenario_passed_ = 0;
  int scenario_failed_ = 0;
  int total_passed_ = 0;
  int total_failed_ = 0;
  int scenarios_failed_ = 0;
  int scenarios_run_ = 0;
  RunRecord record_;
  std::chrono::steady_clock::time_point scenario_started_ = std::chrono::steady_clock::now();
};

}  // namespace regsim
