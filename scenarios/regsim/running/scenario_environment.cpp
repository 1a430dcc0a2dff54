#include "scenarios/regsim/running/scenario_environment.hpp"

#include "scenarios/regsim/processes/external_consul.hpp"
#include "scenarios/regsim/processes/free_port.hpp"
#include "scenarios/regsim/interrupt.hpp"
#include "scenarios/regsim/processes/ready_file.hpp"
#include "scenarios/regsim/reports/reporter.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <utility>

namespace regsim {
namespace {

namespace fs = std::filesystem;

// 127.0.1.1, 127.0.1.2, ...: a loopback address of its own for the agent of host `index`.
std::string agent_loopback_address(std::size_t index) {
  return "127." + std::to_string(1 + index / 65000) + "." + std::to_string((index % 65000) / 250 + 1) + "." +
         std::to_string(index % 250 + 1);
}

// "127.0.0.1:8500" from a ready file -> host and port; throws LaunchError when malformed.
std::pair<std::string, std::uint16_t> host_port(const nlohmann::json& ready, const std::string& key,
                                                const std::string& who) {
  const auto it = ready.find(key);
  if (it == ready.end() || !it->is_string())
    throw LaunchError(who + " ready file has no \"" + key + "\": " + ready.dump());
  const auto text = it->get<std::string>();
  const auto colon = text.rfind(':');
  int port = 0;
  try {
    port = colon == std::string::npos ? 0 : std::stoi(text.substr(colon + 1));
  } catch (const std::exception&) {
    port = 0;
  }
  if (port <= 0 || port > 65535) throw LaunchError(who + " ready file has a bad \"" + key + "\": " + text);
  return {text.substr(0, colon), static_cast<std::uint16_t>(port)};
}

}  // namespace

ScenarioEnvironment::ScenarioEnvironment(const Scenario& scenario, const RunOptions& options,
                                         const fs::path& log_dir, Reporter& reporter, const NetnsPlan* netns)
    : scenario_(scenario), options_(options), log_dir_(log_dir) {
  // Everything the fakes listen on: loopback, or with --netns the hub's bridge address, the only
  // address of the hub that the host namespaces can reach.
  std::string listen_ip = "127.0.0.1";
  if (netns) {
    const auto started = std::chrono::steady_clock::now();
    netns_ = std::make_unique<NetnsTopology>(*netns);
    listen_ip = netns->hub_address;
    netns_setup_time_ = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started);
    reporter.progress("netns: hub " + netns->hub + " (" + netns->hub_address + ") and " +
                      std::to_string(netns->hosts.size()) + " host namespace(s) in " + format_duration(netns_setup_time_));
  }
  if (!options.external_consul.empty()) {
    // An agent regsim did not start (--consul): one site, nothing to launch or stop.
    auto& site = sites_.emplace_back();
    site.datacenter = scenario.consul.datacenter;
    site.http = *parse_host_port(options.external_consul);
    const auto dns = *parse_host_port(options.external_consul_dns);
    site.dns = std::make_unique<DnsClient>(dns.host, dns.port);
    site.dns_address = options.external_consul_dns;
    reporter.progress("Consul agent (--consul): http " + options.external_consul + ", dns " + site.dns_address);
  }
  if (netns) netns_subnet_ = netns->hub_address.substr(0, netns->hub_address.rfind('.')) + ".0/24";
  if (scenario.consul.datacenters.size() > 1)
    for (const auto& dc : scenario.consul.datacenters)
      wan_http_[dc] = listen_ip + ":" + std::to_string(free_port(listen_ip, "fake-consul (" + dc + ")"));
  // A fake-consul that restart_consul brings back listens again where it did before: its ports are
  // picked below the ephemeral range (free_port.hpp says why) instead of by the kernel.
  const bool restarted = std::any_of(scenario.steps.begin(), scenario.steps.end(), [](const Step& s) {
    const auto* consul = std::get_if<ConsulAction>(&s.action);
    return consul && consul->op == ConsulOp::restart;
  });
  const auto listen_on = [&](const std::string& ip, const std::string& who, PortUse use = PortUse::tcp) {
    return ip + ":" + (restarted ? std::to_string(free_port(ip, who, use)) : std::string("0"));
  };
  // fake-consul first (one per datacenter): every registrator needs its agent's address.
  for (const auto& dc : options.external_consul.empty() ? scenario.consul.datacenters : std::vector<std::string>{}) {
    auto& site = sites_.emplace_back();
    site.datacenter = dc;
    std::vector<std::pair<std::string, std::string>> agents;
    if (scenario.consul.agent_per_host)
      for (std::size_t i = 0; i < scenario.hosts.size(); ++i)
        if ((scenario.hosts[i].datacenter.empty() ? scenario.consul.datacenter : scenario.hosts[i].datacenter) == dc) {
          const auto& name = scenario.hosts[i].name;
          if (netns) {
            // The host's agent listens at the host's own address inside the host's namespace,
            // where its registrator runs; regsim reaches it over the bridge.
            const auto* placed = netns->find(name);
            site.agent_netns[name] = netns_path(placed->netns);
            agents.emplace_back(name, placed->address + ":0");
          } else {
            agents.emplace_back(name, listen_on(agent_loopback_address(i), "fake-consul agent of " + name));
          }
        }
    const auto wan = wan_http_.find(dc);
    const auto ready = launch_consul(site, wan == wan_http_.end() ? listen_on(listen_ip, "fake-consul (" + dc + ")") : wan->second,
                                   listen_on(listen_ip, "fake-consul DNS (" + dc + ")", PortUse::tcp_and_udp), agents);
    const auto [http_host, http_port] = host_port(ready, "http", "fake-consul");
    const auto [dns_host, dns_port] = host_port(ready, "dns", "fake-consul");
    site.http = fakes::http::Endpoint::tcp(http_host, http_port);
    site.dns = std::make_unique<DnsClient>(dns_host, dns_port);
    site.dns_address = dns_host + ":" + std::to_string(dns_port);
    const auto found = ready.find("agents");
    for (const auto& [host, address] : agents) {
      if (found == ready.end() || !found->contains(host) || !(*found)[host].is_string())
        throw LaunchError("fake-consul ready file has no agent for " + host + ": " + ready.dump());
      site.agent_of_host[host] = (*found)[host].get<std::string>();
    }
    reporter.progress("fake-consul (" + dc + "): http " + http_host + ":" + std::to_string(http_port) + ", dns " +
                      site.dns_address);
  }

  std::string etcd_address;
  if (scenario.registry.backend != RegistryBackend::consul) {
    etcd_ = std::make_unique<EtcdServer>(etcd_program(), log_dir / "etcd", options.startup_timeout, listen_ip);
    etcd_address = etcd_->address();
    reporter.progress("etcd: " + etcd_address);
  }

  const auto images_file = log_dir / "images.json";
  std::ofstream(images_file) << scenario.images.dump(2) << "\n";

  if (options.one_docker_process)
    for (const auto& host : scenario.hosts)
      if (!host.docker.empty())
        throw LaunchError("host " + host.name + " has \"docker\" options: they need a fake-docker of its own, "
                          "so this scenario cannot run with --one-docker-process");
  if (options.one_docker_process) {
    // One fake-docker serves every host, each on its own socket (fake-docker --host).
    std::vector<std::string> args = {"--images", images_file.string(), "--ready-file",
                                     (log_dir / "fake-docker.ready").string()};
    for (const auto& host : scenario.hosts) {
      fs::create_directories(log_dir / host.name);
      args.push_back("--host=" + host.name + "=" + (log_dir / host.name / "docker.sock").string());
    }
    fake_dockers_.push_back(std::make_unique<ChildProcess>(LaunchSpec{(options.bin_dir / "fake-docker").string(), args,
                                                                      {}, log_dir / "fake-docker.log", "fake-docker", {}}));
    wait_for_ready_file(log_dir / "fake-docker.ready", *fake_dockers_.back(), options.startup_timeout);
    for (const auto& host : scenario.hosts)
      dockers_.emplace(host.name, DockerControl((log_dir / host.name / "docker.sock").string()));
    reporter.progress("fake-docker: one process for " + std::to_string(scenario.hosts.size()) + " host(s)");
  }
  int seed = 1;
  for (const auto& host : options.one_docker_process ? std::vector<HostSpec>{} : scenario.hosts) {
    const auto host_dir = log_dir / host.name;
    fs::create_directories(host_dir);
    const auto socket = host_dir / "docker.sock";
    const auto docker_ready = host_dir / "fake-docker.ready";
    // A host's own images go over the scenario's, in a file of its own.
    auto host_images = images_file;
    if (!host.docker.images.empty()) {
      auto merged = scenario.images;
      merged.update(host.docker.images);
      host_images = host_dir / "images.json";
      std::ofstream(host_images) << merged.dump(2) << "\n";
    }
    // Distinct seeds so two hosts do not hand out the same container IDs.
    std::vector<std::string> docker_args = {"--socket", socket.string(), "--images", host_images.string(),
                                            "--seed", std::to_string(seed++), "--ready-file", docker_ready.string()};
    for (auto& a : fake_docker_host_args(host.docker)) docker_args.push_back(std::move(a));
    fake_dockers_.push_back(std::make_unique<ChildProcess>(LaunchSpec{
        (options.bin_dir / "fake-docker").string(),
        docker_args,
        {},
        host_dir / "fake-docker.log",
        "fake-docker (" + host.name + ")",
        {}}));
    wait_for_ready_file(docker_ready, *fake_dockers_.back(), options.startup_timeout);
    dockers_.emplace(host.name, DockerControl(socket.string()));
    reporter.progress("fake-docker (" + host.name + "): " + socket.string());
  }

  for (const auto& host : scenario.hosts) {
    const auto host_dir = log_dir / host.name;
    const auto& host_site = site(host.datacenter);
    const auto agent = host_site.agent_of_host.count(host.name)
                           ? host_site.agent_of_host.at(host.name)
                           : host_site.http.host + ":" + std::to_string(host_site.http.port);
    LaunchSpec spec{registrator_binary(host, options),
                    registrator_args(host, registry_uri(scenario.registry, agent, etcd_address)),
                    {{"DOCKER_HOST", "unix://" + (host_dir / "docker.sock").string()}},
                    host_dir / "registrator.log",
                    "registrator (" + host.name + ")",
                    netns ? netns_path(netns->find(host.name)->netns) : std::string{}};
    std::string command = spec.program;
    for (const auto& a : spec.args) command += " " + a;
    std::ofstream(host_dir / "registrator.cmd") << (spec.netns.empty() ? "" : "nsenter --net=" + spec.netns + " ")
                                                 << "DOCKER_HOST=unix://" << (host_dir / "docker.sock").string() << " "
                                                 << command << "\n";
    registrators_.push_back({host.name, spec, std::make_unique<ChildProcess>(spec)});
    reporter.progress("registrator (" + host.name + "): " + command);
  }
}

nlohmann::json ScenarioEnvironment::launch_consul(ConsulSite& site, const std::string& http, const std::string& dns,
                                                  const std::vector<std::pair<std::string, std::string>>& agents) {
  // The first datacenter keeps the plain file names of a one-datacenter scenario.
  const bool first = site.datacenter == scenario_.consul.datacenters.front();
  const std::string stem = first ? "fake-consul" : "fake-consul-" + site.datacenter;
  const auto ready_file = log_dir_ / (stem + ".ready");
  std::error_code ignored;
  fs::remove(ready_file, ignored);  // a restart must not read the previous run's file
  // Script checks are kept (never run) rather than refused as Consul's default does: scenarios
  // register registrator's SERVICE_CHECK_SCRIPT checks and compare them (check-kinds).
  std::vector<std::string> args = {"--http", http, "--dns", dns, "--node", scenario_.consul.node, "--datacenter",
                                   site.datacenter, "--ready-file", ready_file.string(), "--script-checks", "store"};
  for (auto& a : fake_consul_dns_args(scenario_.consul.dns)) args.push_back(std::move(a));
  for (const auto& [dc, address] : wan_http_)
    if (dc != site.datacenter) args.push_back("--wan=" + dc + "=" + address);
  if (!wan_http_.empty() && !netns_subnet_.empty()) {
    // --wan peers must be in a network fake-consul may reach: loopback by default, here the bridge.
    args.push_back("--check-allow=127.0.0.0/8");
    args.push_back("--check-allow=" + netns_subnet_);
  }
  for (const auto& [name, address] : agents) {
    const auto in_netns = site.agent_netns.find(name);
    args.push_back("--agent=" + name + "=" + address +
                   (in_netns == site.agent_netns.end() ? "" : ",netns=" + in_netns->second));
  }
  site.process = std::make_unique<ChildProcess>(LaunchSpec{(options_.bin_dir / "fake-consul").string(), args, {},
                                                           log_dir_ / (stem + ".log"),
                                                           first ? "fake-consul" : "fake-consul (" + site.datacenter + ")", {}});
  return wait_for_ready_file(ready_file, *site.process, options_.startup_timeout);
}

const ScenarioEnvironment::ConsulSite& ScenarioEnvironment::site(const std::string& datacenter) const {
  if (datacenter.empty()) return sites_.front();
  for (const auto& s : sites_)
    if (s.datacenter == datacenter) return s;
  throw LaunchError("no fake Consul for datacenter " + datacenter);
}

ScenarioEnvironment::ConsulSite& ScenarioEnvironment::site(const std::string& datacenter) {
  return const_cast<ConsulSite&>(std::as_const(*this).site(datacenter));
}

const fakes::http::Endpoint& ScenarioEnvironment::consul_http(const std::string& datacenter) const {
  return site(datacenter).http;
}

std::vector<fakes::http::Endpoint> ScenarioEnvironment::consul_https() const {
  std::vector<fakes::http::Endpoint> out;
  for (const auto& s : sites_) out.push_back(s.http);
  return out;
}

fakes::http::Endpoint ScenarioEnvironment::consul_agent(const std::string& host) const {
  const HostSpec* spec = scenario_.find_host(host);
  const auto& host_site = site(spec ? spec->datacenter : std::string{});
  const auto it = host_site.agent_of_host.find(host);
  if (it == host_site.agent_of_host.end()) return host_site.http;
  const auto colon = it->second.rfind(':');
  return fakes::http::Endpoint::tcp(it->second.substr(0, colon),
                                    static_cast<std::uint16_t>(std::stoi(it->second.substr(colon + 1))));
}

void ScenarioEnvironment::restart_consul(const std::string& datacenter, Duration downtime) {
  auto& restarting = site(datacenter);
  if (!restarting.process) throw LaunchError("restart_consul: the Consul agent (--consul) was not started by regsim");
  restarting.process->stop();
  pause_for(downtime);
  // The same addresses, so registrators and checks find the new process where the old one was.
  std::vector<std::pair<std::string, std::string>> agents;
  for (const auto& host : scenario_.hosts)
    if (restarting.agent_of_host.count(host.name)) agents.emplace_back(host.name, restarting.agent_of_host.at(host.name));
  launch_consul(restarting, restarting.http.host + ":" + std::to_string(restarting.http.port), restarting.dns_address,
                agents);
}

ScenarioEnvironment::Registrator& ScenarioEnvironment::registrator(const std::string& host) {
  for (auto& r : registrators_)
    if (r.host == host) return r;
  throw LaunchError("no registrator for host " + host);
}

void ScenarioEnvironment::stop_registrator(const std::string& host) {
  auto& r = registrator(host);
  if (r.process) r.process->stop();
  r.process.reset();
}

void ScenarioEnvironment::start_registrator(const std::string& host) {
  auto& r = registrator(host);
  if (r.process && r.process->running()) throw LaunchError(r.spec.label + " is already running");
  r.process = std::make_unique<ChildProcess>(r.spec);
}

ScenarioEnvironment::~ScenarioEnvironment() { stop_all(); }

const fakes::http::Endpoint& ScenarioEnvironment::etcd() const {
  if (!etcd_) throw LaunchError("this scenario has no etcd (\"registry\": {\"backend\": \"etcd\"})");
  return etcd_->client();
}

std::vector<std::string> ScenarioEnvironment::ended_processes() {
  std::vector<std::string> out;
  auto check = [&](ChildProcess& p) {
    if (auto ended = p.exit_description()) out.push_back(p.label() + " " + *ended);
  };
  for (auto& r : registrators_)
    if (r.process) check(*r.process);
  for (auto& p : fake_dockers_) check(*p);
  for (auto& site : sites_)
    if (site.process) check(*site.process);
  if (etcd_) check(etcd_->process());
  return out;
}

std::vector<fs::path> ScenarioEnvironment::log_files() const {
  std::vector<fs::path> out;
  for (const auto& site : sites_)
    if (site.process) out.push_back(site.process->log_file());
  if (etcd_) out.push_back(etcd_->process().log_file());
  for (const auto& p : fake_dockers_) out.push_back(p->log_file());
  for (const auto& r : registrators_) out.push_back(r.spec.log_file);
  return out;
}

std::vector<ScenarioEnvironment::RunningProcess> ScenarioEnvironment::running_processes() {
  std::vector<RunningProcess> out;
  for (auto& site : sites_)
    if (site.process && site.process->running()) out.push_back({"fake-consul", site.process->pid()});
  for (const auto& p : fake_dockers_)
    if (p->running()) out.push_back({"fake-docker", p->pid()});
  for (const auto& r : registrators_)
    if (r.process && r.process->running()) out.push_back({"registrator", r.process->pid()});
  return out;
}

void ScenarioEnvironment::stop_all() {
  for (auto& r : registrators_)
    if (r.process) r.process->stop();
  for (auto& p : fake_dockers_) p->stop();
  for (auto& site : sites_)
    if (site.process) site.process->stop();
  if (etcd_) etcd_->process().stop();
}

}  // namespace regsim
