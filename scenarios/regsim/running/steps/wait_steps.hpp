#pragma once
// Steps that wait: a plain pause, and the checks (expect, wait_for), which poll their condition
// until it holds or their deadline passes, or, with holds_for, for the whole duration. A check's
// `perform` reports its PASS or FAIL line and returns false when the scenario must stop there
// (a failed wait_for).

#include "scenarios/regsim/running/steps/step_context.hpp"

namespace regsim {

/// "catalog valami", "dns A valami.service.dc1.consul", "container host1/web5 exited": how
/// output lines name a check (templates in names are shown as written).
std::string check_label(const CheckAction& check);

std::string describe(const PauseAction& pause);
void perform(StepContext& ctx, const PauseAction& pause);

std::string describe(const CheckAction& check);
bool perform(StepContext& ctx, const CheckAction& check);

}  // namespace regsim
