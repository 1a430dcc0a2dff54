#include "scenarios/regsim/running/steps/consul_steps.hpp"

#include "scenarios/regsim/interrupt.hpp"
#include "scenarios/regsim/peers/consul_writer.hpp"

namespace regsim {
namespace {

const char* op_name(ConsulOp op) {
  switch (op) {
    case ConsulOp::register_service: return "consul_register";
    case ConsulOp::create_query: return "consul_query";
    case ConsulOp::fault: return "consul_fault";
    case ConsulOp::clear_faults: return "consul_clear_faults";
    case ConsulOp::lose_state: return "consul_lose_state";
    case ConsulOp::check_status: return "consul_check";
    case ConsulOp::maintenance: return "consul_maintenance";
    case ConsulOp::restart: return "restart_consul";
  }
  return "?";
}

}  // namespace

std::string describe(const ConsulAction& c) { return op_name(c.op); }

void perform(StepContext& ctx, const ConsulAction& c) {
  const auto& consul = ctx.env.consul_http(c.datacenter);
  // Check and maintenance steps talk to an agent: the host's own with agent_per_host.
  const auto agent = c.host.empty() ? consul : ctx.env.consul_agent(c.host);
  switch (c.op) {
    case ConsulOp::register_service: {
      const auto registration = expand_json(c.registration, ctx.facts);
      consul_register_service(consul, registration);
      ctx.reporter.progress("consul_register " + registration.value("ID", registration.value("Name", std::string{})));
      return;
    }
    case ConsulOp::create_query: {
      const auto query = expand_json(c.query, ctx.facts);
      const std::string id = consul_create_query(consul, query);
      ctx.reporter.progress("consul_query " + query.value("Name", std::string{}) + " (" + id + ")");
      return;
    }
    case ConsulOp::fault:
      consul_add_fault(consul, c.fault);
      ctx.reporter.progress("consul_fault " + c.fault.dump());
      if (c.duration) {
        pause_for(*c.duration);
        consul_clear_faults(consul);
        ctx.reporter.progress("consul faults cleared after " + format_duration(*c.duration));
      }
      return;
    case ConsulOp::clear_faults:
      consul_clear_faults(consul);
      ctx.reporter.progress("consul_clear_faults");
      return;
    case ConsulOp::lose_state:
      ctx.reporter.progress("consul_lose_state: " + std::to_string(consul_lose_state(consul)) + " service(s) dropped");
      return;
    case ConsulOp::check_status: {
      const auto id = expand_text(c.check_id, ctx.facts);
      consul_set_check_status(agent, id, c.status, c.note);
      ctx.reporter.progress("consul_check " + id + " " + c.status);
      return;
    }
    case ConsulOp::maintenance: {
      const auto id = expand_text(c.service_id, ctx.facts);
      consul_set_maintenance(agent, id, c.enable, c.reason);
      ctx.reporter.progress("consul_maintenance " + (id.empty() ? "node" + (c.host.empty() ? "" : " of " + c.host) : id) +
                         (c.enable ? " on" : " off"));
      return;
    }
    case ConsulOp::restart:
      ctx.env.restart_consul(c.datacenter, c.duration.value_or(Duration{0}));
      ctx.reporter.progress("restart_consul: back after " + format_duration(c.duration.value_or(Duration{0})) +
                         ", with nothing registered");
      return;
  }
}

}  // namespace regsim
