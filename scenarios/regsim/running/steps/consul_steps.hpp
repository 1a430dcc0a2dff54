#pragma once
// Steps that act on Consul behind registrator's back (consul_register, consul_fault,
// consul_clear_faults, consul_lose_state, consul_check, consul_maintenance, restart_consul).
// `perform` throws ConsulError (or LaunchError for a restart) when Consul does not accept it.

#include "scenarios/regsim/running/steps/step_context.hpp"

namespace regsim {

std::string describe(const ConsulAction& action);
void perform(StepContext& ctx, const ConsulAction& action);

}  // namespace regsim
