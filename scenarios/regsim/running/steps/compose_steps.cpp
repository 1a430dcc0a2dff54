#include "scenarios/regsim/running/steps/compose_steps.hpp"

#include "scenarios/regsim/peers/compose_control.hpp"

namespace regsim {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

}  // namespace

std::string describe(const ComposeAction& c) {
  return std::string(c.up ? "compose_up " : "compose_down ") + c.host + " " + c.file + " (project " + c.project.name + ")";
}

void perform(StepContext& ctx, const ComposeAction& c) {
  auto& docker = ctx.env.docker(c.host);
  if (c.up) {
    const auto names = compose_up(docker, c.project);
    // Remember each container's facts now, for templates in later steps.
    for (const auto& name : names) ctx.facts.observe(c.host, name);
    ctx.reporter.progress("compose up " + c.host + " " + c.file + " (project " + c.project.name + "): " + joined(names));
    return;
  }
  // Their IPs and ports, before they go, for expectations written after the down.
  for (const auto& container : c.project.containers) ctx.facts.observe(c.host, container.name);
  const auto removed = compose_down(docker, c.project);
  ctx.reporter.progress("compose down " + c.host + " " + c.file + " (project " + c.project.name + "): removed " +
                        joined(removed));
}

}  // namespace regsim
