// Scenario parser: checks (expect, wait_for) and their conditions: catalog, checks, keys, dns,
// running, container.
#include "scenarios/regsim/language/parser/scenario_parser_class.hpp"

namespace regsim::parsing {

CheckAction ScenarioParser::parse_check(FieldReader& r, const Scenario& s, bool wait_for) {
  CheckAction check;
  check.wait_for = wait_for;
  check.within = default_within_;
  if (const auto* within = r.get("within")) check.within = duration_at(*within, r.path_of("within"));
  if (const auto* holds = r.get("holds_for")) {
    if (r.has("within"))
      throw ScenarioError(r.path_of("holds_for"),
                          "\"holds_for\" (must hold the whole time) and \"within\" (must come true by then) exclude each other");
    check.holds_for = duration_at(*holds, r.path_of("holds_for"));
  }
  const int subjects =
      r.has("catalog") + r.has("checks") + r.has("keys") + r.has("dns") + r.has("container") + r.has("running");
  if (subjects != 1)
    throw ScenarioError(r.path(), "expected exactly one of \"catalog\", \"checks\", \"keys\", \"dns\", "
                                  "\"container\" or \"running\" (what to check)");
  if (r.has("keys") && s.registry.backend == RegistryBackend::consul)
    throw ScenarioError(r.path_of("keys"), "\"keys\" reads etcd: it needs \"registry\": {\"backend\": \"etcd\"} "
                                           "or \"skydns2\" at the top level");
  if (r.has("datacenter") && !r.has("catalog") && !r.has("checks") && !r.has("dns"))
    throw ScenarioError(r.path_of("datacenter"), "only catalog, checks and dns conditions are asked of a datacenter");
  const auto datacenter = optional_datacenter(r, s);
  std::string via;
  if (auto v = r.optional_string("via")) {
    if (!r.has("catalog") && !r.has("checks"))
      throw ScenarioError(r.path_of("via"), "only catalog and checks conditions are asked via another datacenter");
    if (!r.has("datacenter"))
      throw ScenarioError(r.path_of("via"), "\"via\" asks another datacenter's Consul about \"datacenter\": give both");
    via = known_datacenter(*v, r.path_of("via"), s);
    if (via.empty()) via = s.consul.datacenter;
  }
  // Asked via another datacenter, the list's own datacenter is named in ?dc=, even the first.
  const auto list_datacenter = via.empty() || !datacenter.empty() ? datacenter : s.consul.datacenter;
  if (r.has("catalog")) check.condition = parse_catalog(r, "catalog");
  else if (r.has("checks")) check.condition = parse_catalog(r, "checks");
  else if (r.has("keys")) check.condition = parse_catalog(r, "keys");
  else if (r.has("dns")) check.condition = parse_dns(r);
  else if (r.has("running")) check.condition = parse_running_group(r, s);
  else check.condition = parse_container_state(r, s);
  if (auto* c = std::get_if<CatalogCondition>(&check.condition)) {
    c->datacenter = list_datacenter;
    c->via = via;
  }
  if (auto* d = std::get_if<DnsCondition>(&check.condition)) d->datacenter = datacenter;
  return check;
}

// `key` is "catalog" (the service's instances), "checks" (its health checks) or "keys" (etcd
// keys under a prefix).
CatalogCondition ScenarioParser::parse_catalog(FieldReader& r, const std::string& key) {
  CatalogCondition c;
  c.list = key == "checks" ? RegistryList::health_checks
           : key == "keys" ? RegistryList::etcd_keys
                           : RegistryList::catalog_service;
  c.service = templated_string(*r.get(key), r.path_of(key));
  if (c.service.empty()) throw ScenarioError(r.path_of(key), key == "keys" ? "must name a key prefix" : "must name a service");
  c.match = match_mode(r);
  const auto* entries = r.array("entries", true);
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const auto& e = (*entries)[i];
    const auto item_path = path_index(r.path_of("entries"), i);
    if (!e.is_object() || e.empty())
      throw ScenarioError(item_path, std::string(key == "checks" ? "expected an object of check fields, e.g. {\"Status\": \"passing\"}"
                                                 : key == "keys"  ? "expected an object of key fields, e.g. {\"Key\": \"/services/web/host1:web:80\"}"
                                                                  : "expected an object of catalog fields, e.g. {\"ServicePort\": 80}") +
                                         ", got " + describe_json(e));
    check_templates_in_json(e, item_path, scope_);
    c.entries.push_back(e);
  }
  return c;
}

DnsCondition ScenarioParser::parse_dns(FieldReader& r) {
  DnsCondition d;
  d.name = templated_string(*r.get("dns"), r.path_of("dns"));
  if (d.name.empty()) throw ScenarioError(r.path_of("dns"), "must name a DNS name to query");
  d.type = r.optional_choice("type", {"A", "SRV"}).value_or("A") == "SRV" ? DnsType::SRV : DnsType::A;
  d.match = match_mode(r);
  if (auto ttl = r.optional_int("ttl", 0, 1 << 30)) {
    if (d.type != DnsType::A) throw ScenarioError(r.path_of("ttl"), "only supported for type A");
    d.ttl = static_cast<unsigned>(*ttl);
  }
  d.rcode = r.optional_choice("rcode", {"NOERROR", "NXDOMAIN"});
  d.tcp = r.optional_choice("transport", {"udp", "tcp"}).value_or("udp") == "tcp";
  const auto* answers = r.array("answers", true);
  const auto answers_path = r.path_of("answers");
  for (std::size_t i = 0; i < answers->size(); ++i) {
    const auto& a = (*answers)[i];
    const auto item_path = path_index(answers_path, i);
    if (d.type == DnsType::A) {
      const auto text = templated_string(a, item_path);
      if (!parse_template(text).has_references() && !is_ipv4(text))
        throw ScenarioError(item_path, "expected an IPv4 address or a template like \"{{ip host1/web5}}\", got \"" +
                                           text + "\"");
      d.addresses.push_back(text);
    } else {
      FieldReader sr(a, item_path);
      sr.get("comment");
      SrvAnswer srv;
      srv.port = sr.optional_int("port", 0, 65535);
      if (const auto* target = sr.get("target")) srv.target = templated_string(*target, sr.path_of("target"));
      srv.priority = sr.optional_int("priority", 0, 65535);
      srv.weight = sr.optional_int("weight", 0, 65535);
      sr.reject_unknown();
      if (!srv.port && !srv.target)
        throw ScenarioError(item_path, "an SRV answer needs at least \"port\" or \"target\"");
      d.srv.push_back(srv);
    }
  }
  if (d.rcode == "NXDOMAIN" && !answers->empty())
    throw ScenarioError(r.path_of("rcode"), "NXDOMAIN has no answers, but \"answers\" lists some");
  return d;
}

RunningGroupCondition ScenarioParser::parse_running_group(FieldReader& r, const Scenario& s) {
  RunningGroupCondition c;
  c.host = host_of(r, s);
  c.group = r.required_string("running");
  if (!churn_groups_.count(c.host + "/" + c.group))
    throw ScenarioError(r.path_of("running"), "no earlier churn step starts a group \"" + c.group + "\" on " + c.host);
  const auto* service = r.get("service");
  if (!service) throw ScenarioError(r.path_of("service"), "required service name is missing");
  c.service = templated_string(*service, r.path_of("service"));
  const auto port = r.optional_int("port", 1, 65535);
  if (!port) throw ScenarioError(r.path_of("port"), "required container port (as in the service IDs) is missing");
  c.port = *port;
  return c;
}

ContainerCondition ScenarioParser::parse_container_state(FieldReader& r, const Scenario& s) {
  ContainerCondition c;
  c.host = host_of(r, s);
  c.container = known_container(r, "container", c.host);
  auto state = r.optional_choice(
      "state", {"created", "running", "paused", "restarting", "exited", "dead", "absent"});
  if (!state) throw ScenarioError(r.path_of("state"), "required state (running, exited, absent, ...) is missing");
  c.state = *state;
  c.exit_code = r.optional_int("exit_code", 0, 255);
  return c;
}

}  // namespace regsim::parsing
