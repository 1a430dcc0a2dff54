#pragma once
// --junit FILE: JUnit XML as CI systems read it: one <testsuite> per scenario, one <testcase>
// per check (classname = scenario, name = the check as printed, time = how long it took), a
// <failure message="..."> on each failed check.

#include "scenarios/regsim/reports/run_record.hpp"

#include <string>

namespace regsim {

std::string junit_xml(const RunRecord& run);

}  // namespace regsim
