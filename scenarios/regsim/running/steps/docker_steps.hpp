#pragma once
// Steps that act on a host's Docker (run, churn, network_*, start/stop/kill/rm/exit, drop_events,
// restart_docker, *_registrator, docker_fault, docker_clear_faults). Each kind has `describe`,
// how a FAIL line names the step, and `perform`, which throws DockerError, TemplateError,
// LaunchError or ConsulError when the operation fails; StepPlayer dispatches on the kind.

#include "scenarios/regsim/running/steps/step_context.hpp"

namespace regsim {

std::string describe(const RunAction& run);
void perform(StepContext& ctx, const RunAction& run);

std::string describe(const ChurnAction& churn);
void perform(StepContext& ctx, const ChurnAction& churn);

std::string describe(const NetworkAction& network);
void perform(StepContext& ctx, const NetworkAction& network);

std::string describe(const ContainerAction& action);
void perform(StepContext& ctx, const ContainerAction& action);

std::string describe(const DaemonAction& daemon);
void perform(StepContext& ctx, const DaemonAction& daemon);

std::string describe(const DockerFaultAction& fault);
void perform(StepContext& ctx, const DockerFaultAction& fault);

}  // namespace regsim
