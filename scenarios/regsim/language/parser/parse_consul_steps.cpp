// Scenario parser: steps that act on Consul behind registrator's back.
#include "scenarios/regsim/language/parser/scenario_parser_class.hpp"

namespace regsim::parsing {

ConsulAction ScenarioParser::parse_consul_op(FieldReader& r, const Scenario& s, const std::string& action) {
  ConsulAction c;
  c.datacenter = optional_datacenter(r, s);
  if (action == "consul_check") {
    c.op = ConsulOp::check_status;
    c.host = agent_host(r, s);
    c.check_id = templated_string(required(r, "check"), r.path_of("check"));
    if (c.check_id.empty()) throw ScenarioError(r.path_of("check"), "must name a check ID, e.g. \"service:host1:web:80\"");
    const auto status = r.optional_choice("status", {"passing", "warning", "critical"});
    if (!status) throw ScenarioError(r.path_of("status"), "required string is missing");
    c.status = *status;
    c.note = r.optional_string("note").value_or("");
  } else if (action == "consul_maintenance") {
    c.op = ConsulOp::maintenance;
    c.host = agent_host(r, s);
    if (r.has("service")) {
      c.service_id = templated_string(required(r, "service"), r.path_of("service"));
      if (c.service_id.empty()) throw ScenarioError(r.path_of("service"), "must name a service ID (leave it out for the node)");
    }
    const auto enable = r.optional_bool("enable");
    if (!enable) throw ScenarioError(r.path_of("enable"), "required true or false is missing");
    c.enable = *enable;
    c.reason = r.optional_string("reason").value_or("");
  } else if (action == "restart_consul") {
    c.op = ConsulOp::restart;
    c.duration = Duration{0};
    if (const auto* d = r.get("downtime")) c.duration = duration_at(*d, r.path_of("downtime"));
  } else if (action == "consul_register") {
    c.op = ConsulOp::register_service;
    const auto* reg = r.object("registration", true);
    const auto reg_path = r.path_of("registration");
    const auto* id = reg->contains("ID") ? &(*reg)["ID"] : nullptr;
    const auto* name = reg->contains("Name") ? &(*reg)["Name"] : nullptr;
    if (!name || !name->is_string() || name->get<std::string>().empty())
      throw ScenarioError(path_key(reg_path, "Name"), "a registration needs a service \"Name\" string");
    if (id && !id->is_string()) throw ScenarioError(path_key(reg_path, "ID"), "expected a string, got " + describe_json(*id));
    check_templates_in_json(*reg, reg_path, scope_);
    c.registration = *reg;
  } else if (action == "consul_query") {
    c.op = ConsulOp::create_query;
    const auto* query = r.object("query", true);
    const auto query_path = r.path_of("query");
    const auto* service = query->contains("Service") ? &(*query)["Service"] : nullptr;
    if (!service || !service->is_object() || !service->contains("Service") || !(*service)["Service"].is_string())
      throw ScenarioError(path_key(query_path, "Service"), "a prepared query needs \"Service\": {\"Service\": \"name\"}");
    check_templates_in_json(*query, query_path, scope_);
    c.query = *query;
  } else if (action == "consul_fault") {
    c.op = ConsulOp::fault;
    auto [rule, duration] = parse_fault(r, "message");
    c.fault = std::move(rule);
    c.duration = duration;
  } else if (action == "consul_clear_faults") {
    c.op = ConsulOp::clear_faults;
  } else {
    c.op = ConsulOp::lose_state;
  }
  return c;
}

// Which agent a consul_check / consul_maintenance step talks to: with an agent per host, the
// host's (named by "host", which may be left out with one host); otherwise the one agent.
std::string ScenarioParser::agent_host(FieldReader& r, const Scenario& s) {
  if (s.consul.agent_per_host) return host_of(r, s);
  if (r.has("host"))
    throw ScenarioError(r.path_of("host"), "every host shares one agent here; \"host\" needs \"consul\": "
                                           "{\"agent_per_host\": true}");
  return {};
}

}  // namespace regsim::parsing
