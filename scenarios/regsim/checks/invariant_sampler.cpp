#include "scenarios/regsim/checks/invariant_sampler.hpp"

#include "scenarios/regsim/peers/consul_reader.hpp"
#include "scenarios/regsim/running/registrator_flags.hpp"

#include <algorithm>

namespace regsim {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(100);

// Service IDs carry each registrator's -hostname; Docker is asked by the scenario's host name.
std::map<std::string, std::string> host_names(const Scenario& scenario) {
  std::map<std::string, std::string> out;
  for (const auto& h : scenario.hosts) out.emplace(registrator_hostname(h), h.name);
  return out;
}

}  // namespace

std::vector<RegisteredInstance> fetch_registered_instances(const fakes::http::Endpoint& consul) {
  std::vector<RegisteredInstance> out;
  const auto services = fetch_catalog_services(consul);
  if (!services.is_object()) throw ConsulError("GET /v1/catalog/services answered " + services.dump().substr(0, 200));
  for (const auto& [name, tags] : services.items()) {
    const auto entries = fetch_catalog_service(consul, name);
    if (!entries.is_array()) continue;
    for (const auto& e : entries)
      if (e.is_object() && e.contains("ServiceID") && e["ServiceID"].is_string())
        out.push_back({name, e["ServiceID"].get<std::string>(), e.value("Node", std::string{})});
  }
  return out;
}

InvariantSampler::InvariantSampler(const Scenario& scenario, std::vector<fakes::http::Endpoint> consuls,
                                   std::map<std::string, DockerControl> dockers)
    : consuls_(std::move(consuls)),
      dockers_(std::move(dockers)),
      judge_(scenario.invariants, host_names(scenario), ignored_containers(scenario)),
      thread_([this] { run(); }) {}

InvariantSampler::~InvariantSampler() { finish(); }

void InvariantSampler::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    poll();
    // A poll of a big cluster is not free (the whole catalog, every host's docker ps): rest at
    // least twice as long as it took, so watching never takes more than a third of a core from
    // what is being watched.
    const auto rest = std::max<std::chrono::steady_clock::duration>(kPollInterval,
                                                                     2 * (std::chrono::steady_clock::now() - started));
    lock.lock();
    wake_.wait_for(lock, rest, [this] { return stopping_; });
  }
}

void InvariantSampler::poll() {
  const auto at = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started_);
  std::vector<RegisteredInstance> registry;
  try {
    for (const auto& consul : consuls_) {
      auto instances = fetch_registered_instances(consul);
      registry.insert(registry.end(), instances.begin(), instances.end());
    }
  } catch (const ConsulError&) {
    return;  // Consul is away (a fault or restart step): nothing to judge
  }
  RunningContainers running;
  for (auto& [host, docker] : dockers_) {
    try {
      const auto names = docker.running_names();
      running[host] = {names.begin(), names.end()};
    } catch (const DockerError&) {
      // this host's Docker is restarting: its instances are not judged this poll
    }
  }
  judge_.observe(at, registry, running);
}

std::vector<InvariantJudge::Verdict> InvariantSampler::finish() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    poll();  // the state the scenario ended in counts too
  }
  return judge_.verdicts();
}

}  // namespace regsim
