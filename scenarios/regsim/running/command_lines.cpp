#include "scenarios/regsim/running/command_lines.hpp"

#include "scenarios/regsim/processes/etcd_server.hpp"
#include "scenarios/regsim/running/registrator_flags.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace regsim {
namespace {

namespace fs = std::filesystem;

std::string program_problem(const std::string& path, const std::string& what) {
  if (!fs::exists(path)) return what + " not found: " + path;
  if (::access(path.c_str(), X_OK) != 0) return what + " is not executable: " + path;
  return {};
}

}  // namespace

std::vector<std::string> fake_consul_dns_args(const ConsulSpec::Dns& dns) {
  std::vector<std::string> args;
  if (!dns.domain.empty()) args.push_back("--dns-domain=" + dns.domain);
  if (!dns.alt_domain.empty()) args.push_back("--dns-alt-domain=" + dns.alt_domain);
  if (!dns.node_ttl.empty()) args.push_back("--dns-node-ttl=" + dns.node_ttl);
  for (const auto& [name, ttl] : dns.service_ttl) args.push_back("--dns-service-ttl=" + name + "=" + ttl);
  if (dns.udp_answer_limit) args.push_back("--dns-udp-answer-limit=" + std::to_string(*dns.udp_answer_limit));
  if (dns.a_record_limit) args.push_back("--dns-a-record-limit=" + std::to_string(*dns.a_record_limit));
  if (dns.only_passing) args.push_back("--dns-only-passing");
  if (dns.enable_truncate) args.push_back("--dns-enable-truncate");
  return args;
}

std::vector<std::string> fake_docker_host_args(const DockerSpec& docker) {
  std::vector<std::string> args;
  if (!docker.api_version.empty()) args.push_back("--api-version=" + docker.api_version);
  if (!docker.min_api_version.empty()) args.push_back("--min-api-version=" + docker.min_api_version);
  if (!docker.bridge_subnet.empty()) args.push_back("--bridge-subnet=" + docker.bridge_subnet);
  return args;
}

std::string registrator_binary(const HostSpec& host, const RunOptions& options) {
  if (!options.registrator_override.empty()) return options.registrator_override;
  if (!host.registrator.binary.empty()) return host.registrator.binary;
  return (options.bin_dir / "registrator").string();
}

std::string registry_uri(const RegistrySpec& registry, const std::string& consul_http, const std::string& etcd) {
  switch (registry.backend) {
    case RegistryBackend::etcd:
      return "etcd://" + etcd + (registry.path.starts_with("/") ? "" : "/") + registry.path;
    case RegistryBackend::skydns2:
      return "skydns2://" + etcd + "/" + registry.path;
    case RegistryBackend::consul:
      break;
  }
  return "consul://" + consul_http;
}

std::vector<std::string> registrator_args(const HostSpec& host, const std::string& registry_uri) {
  std::vector<std::string> args;
  if (!args_name_flag(host.registrator.args, "hostname")) args.push_back("-hostname=" + host.name);
  if (!host.ip.empty() && !args_name_flag(host.registrator.args, "ip")) args.push_back("-ip=" + host.ip);
  args.insert(args.end(), host.registrator.args.begin(), host.registrator.args.end());
  args.push_back(registry_uri);
  return args;
}

std::vector<std::string> missing_programs(const Scenario& scenario, const RunOptions& options) {
  std::vector<std::string> problems;
  for (const char* fake : {"fake-consul", "fake-docker"}) {
    if (std::string(fake) == "fake-consul" && !options.external_consul.empty()) continue;
    auto p = program_problem((options.bin_dir / fake).string(), fake);
    if (!p.empty()) problems.push_back(p + " (use --bin-dir DIR)");
  }
  if (scenario.registry.backend != RegistryBackend::consul) {
    auto p = program_problem(etcd_program(), "etcd");
    if (!p.empty()) problems.push_back(p + " (install Debian's etcd-server, or set REGSIM_ETCD)");
  }
  for (const auto& host : scenario.hosts) {
    auto p = program_problem(registrator_binary(host, options), "registrator for " + host.name);
    if (!p.empty() && std::find(problems.begin(), problems.end(), p) == problems.end()) problems.push_back(p);
  }
  return problems;
}

}  // namespace regsim
