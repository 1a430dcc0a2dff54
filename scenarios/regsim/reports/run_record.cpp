#include "scenarios/regsim/reports/run_record.hpp"

namespace regsim {

int RunRecord::passed_checks() const {
  int n = 0;
  for (const auto& s : scenarios)
    for (const auto& c : s.checks) n += c.passed;
  return n;
}

int RunRecord::failed_checks() const {
  int n = 0;
  for (const auto& s : scenarios)
    for (const auto& c : s.checks) n += !c.passed;
  return n;
}

}  // namespace regsim
