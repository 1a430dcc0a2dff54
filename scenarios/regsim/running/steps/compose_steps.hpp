#pragma once
// compose_up and compose_down: a compose project brought up or taken down on a host's
// fake-docker (peers/compose_control.hpp does the Engine API calls). Same conventions as
// docker_steps.hpp: `describe` names the step in a FAIL line, `perform` throws DockerError.

#include "scenarios/regsim/running/steps/step_context.hpp"

namespace regsim {

std::string describe(const ComposeAction& compose);
void perform(StepContext& ctx, const ComposeAction& compose);

}  // namespace regsim
