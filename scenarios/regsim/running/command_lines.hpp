#pragma once
// The programs a scenario runs and their command lines: fake-consul's DNS flags, fake-docker's
// per-host flags, which registrator binary each host runs and with what arguments and registry
// URI, and which of those programs are missing (checked before anything starts).

#include "scenarios/regsim/language/scenario.hpp"
#include "scenarios/regsim/run_options.hpp"

#include <string>
#include <vector>

namespace regsim {

/// fake-consul's --dns-* flags for the scenario's consul.dns.
std::vector<std::string> fake_consul_dns_args(const ConsulSpec::Dns& dns);

/// fake-docker's flags for a host's "docker" options (not its images file).
std::vector<std::string> fake_docker_host_args(const DockerSpec& docker);

/// The binary each host's registrator runs: --registrator, else the host's "binary", else
/// registrator in the bin dir.
std::string registrator_binary(const HostSpec& host, const RunOptions& options);

/// registrator's command line for a host (without the program): -hostname and -ip unless the
/// scenario passes them itself, the scenario's args, then the registry URI last.
std::vector<std::string> registrator_args(const HostSpec& host, const std::string& registry_uri);

/// The registry URI registrators get: consul://CONSUL_HTTP, or etcd://ETCD/PATH or
/// skydns2://ETCD/DOMAIN for the scenario's etcd.
std::string registry_uri(const RegistrySpec& registry, const std::string& consul_http, const std::string& etcd);

/// Every program the scenario will execute that is missing or not executable, one message each.
std::vector<std::string> missing_programs(const Scenario& scenario, const RunOptions& options);

}  // namespace regsim
