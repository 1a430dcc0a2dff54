#include "scenarios/regsim/running/step_player.hpp"

#include "scenarios/regsim/checks/invariant_sampler.hpp"
#include "scenarios/regsim/interrupt.hpp"
#include "scenarios/regsim/peers/consul_reader.hpp"
#include "scenarios/regsim/running/steps/compose_steps.hpp"
#include "scenarios/regsim/running/steps/consul_steps.hpp"
#include "scenarios/regsim/running/steps/docker_steps.hpp"
#include "scenarios/regsim/running/steps/wait_steps.hpp"

#include <memory>
#include <type_traits>
#include <variant>

namespace regsim {
namespace {

std::string step_name(const Step& step) {
  return step.path + (step.line ? " (line " + std::to_string(*step.line) + ")" : std::string{});
}

// The table of step kinds: every alternative of StepAction has a describe() and a perform()
// overload in steps/, and a kind without them does not compile here. Operations return nothing
// (they throw when they fail); checks say whether the scenario goes on.
bool perform_step(StepContext& ctx, const StepAction& action) {
  return std::visit(
      [&](const auto& a) {
        if constexpr (std::is_same_v<decltype(perform(ctx, a)), bool>) {
          return perform(ctx, a);
        } else {
          perform(ctx, a);
          return true;
        }
      },
      action);
}

}  // namespace

StepPlayer::StepPlayer(const Scenario& scenario, ScenarioEnvironment& environment, Reporter& reporter)
    : ctx_(scenario, environment, reporter) {}

void StepPlayer::run_all() {
  const Scenario& scenario = ctx_.scenario;
  std::unique_ptr<InvariantSampler> sampler;
  if (scenario.invariants.any()) {
    std::map<std::string, DockerControl> dockers;
    for (const auto& host : scenario.hosts) dockers.emplace(host.name, ctx_.env.docker(host.name));
    sampler = std::make_unique<InvariantSampler>(scenario, ctx_.env.consul_https(), std::move(dockers));
  }
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
    throw_if_interrupted();
    ctx_.position = "step " + std::to_string(i + 1) + "/" + std::to_string(scenario.steps.size());
    ctx_.reporter.status(ctx_.position + "  " + scenario.name);
    if (!run_step(scenario.steps[i])) {
      const auto left = scenario.steps.size() - i - 1;
      if (left) ctx_.reporter.note("skipped the remaining " + std::to_string(left) + " step(s)");
      break;
    }
  }
  if (!sampler) return;
  for (const auto& v : sampler->finish()) {
    const CheckMeta meta{"invariant", since(started)};
    if (v.held) ctx_.reporter.pass(v.label, v.detail, meta);
    else ctx_.reporter.fail(v.label, v.detail, meta);
  }
}

bool StepPlayer::run_step(const Step& step) {
  const std::string what = std::visit([](const auto& a) { return describe(a); }, step.action);
  try {
    return perform_step(ctx_, step.action);
  } catch (const DockerError& e) {
    ctx_.reporter.fail(step_name(step) + " " + what, e.what(), {"step"});
  } catch (const TemplateError& e) {
    ctx_.reporter.fail(step_name(step) + " " + what, e.what(), {"step"});
  } catch (const LaunchError& e) {
    ctx_.reporter.fail(step_name(step) + " " + what, e.what(), {"step"});
  } catch (const ConsulError& e) {
    ctx_.reporter.fail(step_name(step) + " " + what, e.what(), {"step"});
  }
  return false;
}

}  // namespace regsim
