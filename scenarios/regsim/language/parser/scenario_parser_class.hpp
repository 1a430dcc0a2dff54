#pragma once
// The scenario parser's one class, whose parts are defined by the part of the scenario they read:
// parse_top_level.cpp (the top-level sections, hosts, and which kind of step each step is),
// parse_docker_steps.cpp, parse_compose_steps.cpp, parse_consul_steps.cpp, parse_checks.cpp (expect and wait_for), and
// parse_values.cpp (durations, names, hosts, datacenters, fault rules: values several parts
// read). It also carries what earlier parts of the file declared that later ones may name
// (hosts, containers, networks, churn groups). Internal to language/: use scenario_parser.hpp.

#include "scenarios/regsim/language/json_line_index.hpp"
#include "scenarios/regsim/language/scenario.hpp"
#include "scenarios/regsim/language/scenario_json_reader.hpp"
#include "scenarios/regsim/language/template_text.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace regsim::parsing {

using nlohmann::json;

bool is_ipv4(const std::string& text);
/// Letters, digits, '-', '_', '.', starting with a letter or digit; at most 64 characters.
bool is_simple_name(const std::string& name);
/// Parses every template in `text` and checks that the hosts and containers it names exist.
void check_templates(const std::string& text, const std::string& path, const TemplateScope& scope);
/// The same for every string inside a JSON value.
void check_templates_in_json(const json& value, const std::string& path, const TemplateScope& scope);

class ScenarioParser {
 public:
  explicit ScenarioParser(const std::filesystem::path& base_dir) : base_dir_(base_dir) {}

  Scenario parse(const json& doc, const std::string& default_name);

 private:
  // parse_top_level.cpp
  // "consul": datacenters, node, agent per host, DNS config.
  ConsulSpec parse_consul(const json& consul);
  ConsulSpec::Dns parse_consul_dns(const json& value, const std::string& path);
  // "registry": where registrators write (Consul, etcd, SkyDNS 2).
  RegistrySpec parse_registry(const json& registry);
  // "invariants": what must hold at every poll; they read the Consul catalog.
  InvariantSpec parse_invariants(const json& invariants, const RegistrySpec& registry);
  // "images": image name -> Docker-shaped config, passed to fake-docker as written.
  json parse_images(const json& images);
  HostSpec parse_host(const json& value, const std::string& path, const Scenario& s);
  DockerSpec parse_docker(const json& value, const std::string& path);
  StepAction parse_step(const json& value, const std::string& path, const Scenario& s);

  // parse_docker_steps.cpp
  RunAction parse_run(FieldReader& r, const Scenario& s);
  ChurnAction parse_churn(FieldReader& r, const Scenario& s);
  // image, env, labels, publish, network: what `docker run` takes besides the name.
  void parse_container_config(FieldReader& r, RunAction& run);
  ContainerAction parse_container_op(FieldReader& r, const Scenario& s, const std::string& action);
  NetworkAction parse_network_op(FieldReader& r, const Scenario& s, const std::string& action);
  DaemonAction parse_daemon_op(FieldReader& r, const Scenario& s, const std::string& action);
  DockerFaultAction parse_docker_fault(FieldReader& r, const Scenario& s, const std::string& action);

  // parse_compose_steps.cpp
  ComposeAction parse_compose(FieldReader& r, const Scenario& s, const std::string& action);

  // parse_consul_steps.cpp
  ConsulAction parse_consul_op(FieldReader& r, const Scenario& s, const std::string& action);
  // Which agent a consul_check / consul_maintenance step talks to: with an agent per host, the
  // host's (named by "host", which may be left out with one host); otherwise the one agent.
  std::string agent_host(FieldReader& r, const Scenario& s);

  // parse_checks.cpp
  CheckAction parse_check(FieldReader& r, const Scenario& s, bool wait_for);
  // `key` is "catalog" (the service's instances), "checks" (its health checks) or "keys" (etcd
  // keys under a prefix).
  CatalogCondition parse_catalog(FieldReader& r, const std::string& key);
  DnsCondition parse_dns(FieldReader& r);
  RunningGroupCondition parse_running_group(FieldReader& r, const Scenario& s);
  ContainerCondition parse_container_state(FieldReader& r, const Scenario& s);

  // parse_values.cpp
  Duration duration_at(const json& value, const std::string& path);
  const json& required(FieldReader& r, const std::string& key);
  std::string templated_string(const json& value, const std::string& path);
  // Docker wants at least two characters: [a-zA-Z0-9][a-zA-Z0-9_.-]+
  std::string container_name(FieldReader& r, const std::string& key);
  // "host" may be left out when the scenario has one host.
  std::string host_of(FieldReader& r, const Scenario& s);
  std::string known_container(FieldReader& r, const std::string& key, const std::string& host);
  // A datacenter the consul section declares; "" for the first (the default).
  std::string known_datacenter(const std::string& dc, const std::string& path, const Scenario& s);
  std::string optional_datacenter(FieldReader& r, const Scenario& s);
  MatchMode match_mode(FieldReader& r);
  // The fault rule of a consul_fault or docker_fault step, in the fakes' /_fake/faults shape
  // ({method, path, status, body, action, delay_ms, count}), and how long it is held (if given).
  // `message_key`: the step key whose text becomes the error body ("" = none).
  std::pair<json, std::optional<Duration>> parse_fault(FieldReader& r, const std::string& message_key);

  std::filesystem::path base_dir_;
  Duration default_within_{5000};
  TemplateScope scope_;
  std::set<std::string> churn_groups_;  // "host/group" of churn steps so far
  std::set<std::string> networks_;      // "host/network" of network_create steps so far
};

}  // namespace regsim::parsing
