#include "scenarios/regsim/simulate/simulation.hpp"

#include "scenarios/regsim/language/churn_plan.hpp"
#include "scenarios/regsim/peers/consul_reader.hpp"
#include "scenarios/regsim/interrupt.hpp"
#include "scenarios/regsim/netns/netns_scenario.hpp"
#include "scenarios/regsim/processes/process_usage.hpp"
#include "scenarios/regsim/checks/running_group_check.hpp"
#include "scenarios/regsim/language/scenario.hpp"
#include "scenarios/regsim/running/scenario_environment.hpp"
#include "scenarios/regsim/running/scenario_lifecycle.hpp"

#include "fakes/common/http/client.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <unistd.h>

namespace regsim {
namespace {

using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kService = "sim";
constexpr int kContainerPort = 80;
constexpr auto kLogPollInterval = std::chrono::milliseconds(250);
constexpr auto kCatalogPollInterval = std::chrono::milliseconds(50);

std::string host_name(int index) {
  char name[16];
  std::snprintf(name, sizeof name, "h%03d", index);
  return name;
}

// Addresses only data in the registry, never contacted: the documentation ranges (RFC 5737) for
// the first 762 hosts, then the benchmarking range 198.18.0.0/15 (RFC 2544).
std::string host_ip(int index) {
  static const char* const ranges[] = {"192.0.2.", "198.51.100.", "203.0.113."};
  const int range = (index - 1) / 254;
  if (range < 3) return ranges[range] + std::to_string((index - 1) % 254 + 1);
  const int beyond = index - 1 - 3 * 254;
  return "198." + std::to_string(18 + beyond / (254 * 256)) + "." + std::to_string(beyond / 254 % 256) + "." +
         std::to_string(beyond % 254 + 1);
}

Scenario cluster_scenario(const SimulationSpec& spec) {
  Scenario s;
  s.name = "simulate";
  s.consul.agent_per_host = true;  // a Consul agent per host, one catalog: as on a real cluster
  s.images = {{"app", {{"ExposedPorts", {{std::to_string(kContainerPort) + "/tcp", nlohmann::json::object()}}}}}};
  for (int i = 1; i <= spec.hosts; ++i) s.hosts.push_back(HostSpec{host_name(i), host_ip(i), {{}, {"-internal"}}, {}, {}});
  return s;
}

Duration since_start(SteadyClock::time_point t) {
  return std::chrono::duration_cast<Duration>(SteadyClock::now() - t);
}

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Reads fake-consul's request log as it grows (?after=SEQ) and remembers when each service ID's
// first registration arrived.
class RegistrationWatcher {
 public:
  explicit RegistrationWatcher(fakes::http::Endpoint consul) : consul_(std::move(consul)) {}

  void poll() {
    const auto r = fakes::http::fetch(consul_, boost::beast::http::verb::get,
                                      "/_fake/requests?after=" + std::to_string(after_), {}, {},
                                      std::chrono::seconds(10));
    if (r.status != 200) throw ConsulError("GET /_fake/requests answered " + std::to_string(r.status));
    const auto log = nlohmann::json::parse(r.body, nullptr, false);
    if (!log.is_array()) throw ConsulError("GET /_fake/requests answered something other than a JSON list");
    for (const auto& entry : log) {
      after_ = std::max(after_, entry.value("Seq", std::uint64_t{0}));
      if (entry.value("Method", "") != "PUT" || !entry.value("Target", "").starts_with("/v1/agent/service/register"))
        continue;
      // Status 0: logged on arrival, not answered yet. Arrival is what the lag measures.
      const auto status = entry.value("Status", 0u);
      if (status != 0 && status != 200) continue;
      const auto body = nlohmann::json::parse(entry.value("Body", ""), nullptr, false);
      if (!body.is_object()) continue;
      const auto id = body.value("ID", std::string{});
      if (!id.empty()) first_registered_.emplace(id, entry.value("TimeNano", std::int64_t{0}));
    }
  }

  const std::unordered_map<std::string, std::int64_t>& first_registered() const { return first_registered_; }

 private:
  fakes::http::Endpoint consul_;
  std::uint64_t after_ = 0;
  std::unordered_map<std::string, std::int64_t> first_registered_;
};

class Cluster {
 public:
  Cluster(const SimulationSpec& spec, ScenarioEnvironment& env, Reporter& reporter)
      : spec_(spec), env_(env), reporter_(reporter), random_(spec.seed), watcher_(env.consul_http()) {
    for (int i = 1; i <= spec.hosts; ++i) hosts_.push_back({host_name(i), {}});
    template_.image = "app";
    template_.env = {{"SERVICE_NAME", kService}};
  }

  void populate(SimulationResult& result) {
    const auto start = SteadyClock::now();
    for (auto& host : hosts_)
      for (int i = 0; i < spec_.containers; ++i) {
        start_container(host);
        between_operations();
        if (++result.initial_containers % 500 == 0)
          reporter_.status("populate: " + std::to_string(result.initial_containers) + "/" +
                           std::to_string(spec_.hosts * spec_.containers) + " containers");
      }
    result.populate_time = since(start);
  }

  // Alternates ending a random running container (stop, kill, exit 0/1, rm) and starting a new
  // one on a random host, at the spec's rate: the population stays about the same.
  void churn(SimulationResult& result) {
    const auto start = SteadyClock::now();
    const auto seconds = std::chrono::duration<double>(spec_.duration).count();
    const auto operations = static_cast<long>(std::llround(spec_.churn_per_second * seconds));
    const double gap_ms = 1000.0 / spec_.churn_per_second;
    for (long op = 0; op < operations; ++op) {
      const auto due = start + std::chrono::microseconds(static_cast<long>(gap_ms * 1000.0 * op));
      while (SteadyClock::now() < due) {
        throw_if_interrupted();
        between_operations();
        std::this_thread::sleep_until(std::min(due, SteadyClock::now() + std::chrono::milliseconds(20)));
      }
      auto& host = hosts_[below(hosts_.size())];
      if (op % 2 == 0 && !host.running.empty()) {
        end_container(host);
        ++result.churn_ended;
      } else {
        start_container(host);
        ++result.churn_started;
      }
      between_operations();
      if (op % 200 == 0)
        reporter_.status("churn: " + std::to_string(op) + "/" + std::to_string(operations) + " operations, " +
                         format_duration(since(start)));
    }
    result.churn_time = since(start);
  }

  // Polls the catalog until it holds exactly the running containers, or `settle` passes.
  void converge(SimulationResult& result) {
    const auto last_event = SteadyClock::now();
    std::set<std::string> expected;
    for (const auto& host : hosts_)
      for (const auto& name : host.running) expected.insert(service_id(host.name, name));
    for (;;) {
      throw_if_interrupted();
      watcher_.poll();
      const auto catalog = fetch_catalog_service(env_.consul_http(), kService);
      const auto diff = diff_registrations(expected, "", catalog);
      result.running = diff.running;
      result.registered = diff.registered;
      result.lost = diff.lost.size();
      result.stale = diff.stale.size();
      result.duplicated = diff.duplicated.size();
      // Each host's registrator talks to the agent of its own node: an instance of h007 must
      // be on node h007.
      result.misplaced = 0;
      if (catalog.is_array())
        for (const auto& entry : catalog) {
          const auto id = entry.value("ServiceID", std::string{});
          if (id.substr(0, id.find(':')) != entry.value("Node", std::string{})) ++result.misplaced;
        }
      if (diff.clean()) {
        result.convergence = since(last_event);
        result.mismatch.clear();
        break;
      }
      result.mismatch = "lost " + std::to_string(diff.lost.size()) + (diff.lost.empty() ? "" : " (e.g. " + diff.lost[0] + ")") +
                        ", stale " + std::to_string(diff.stale.size()) +
                        (diff.stale.empty() ? "" : " (e.g. " + diff.stale[0] + ")") + ", duplicated " +
                        std::to_string(diff.duplicated.size());
      if (since(last_event) >= spec_.settle) break;
      reporter_.status("converging: " + std::to_string(diff.registered) + "/" + std::to_string(diff.running) +
                       " registered, " + format_duration(since(last_event)));
      std::this_thread::sleep_for(kCatalogPollInterval);
    }
    watcher_.poll();
    std::vector<double> lags;
    for (const auto& [id, started] : started_at_) {
      const auto found = watcher_.first_registered().find(id);
      if (found == watcher_.first_registered().end()) {
        ++result.never_registered;
        continue;
      }
      lags.push_back(std::max<double>(0, static_cast<double>(found->second - started) / 1e6));
    }
    result.lag = summarize_lags(std::move(lags));
  }

 private:
  struct Host {
    std::string name;
    std::vector<std::string> running;
  };

  static Duration since(SteadyClock::time_point t) {
    return std::chrono::duration_cast<Duration>(SteadyClock::now() - t);
  }
  static std::string service_id(const std::string& host, const std::string& container) {
    return host + ":" + container + ":" + std::to_string(kContainerPort);
  }
  // std's distributions differ between standard libraries; plain modulo keeps runs reproducible.
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(random_() % n); }

  void start_container(Host& host) {
    char name[24];
    std::snprintf(name, sizeof name, "app-%06d", next_container_++);
    template_.host = host.name;
    template_.name = name;
    started_at_[service_id(host.name, name)] = wall_ns();
    env_.docker(host.name).run(template_);
    host.running.push_back(name);
  }

  void end_container(Host& host) {
    const auto index = below(host.running.size());
    const std::string name = host.running[index];
    host.running[index] = host.running.back();
    host.running.pop_back();
    env_.docker(host.name).end(name, static_cast<ChurnEnd>(below(5)));
  }

  void between_operations() {
    if (SteadyClock::now() - last_log_poll_ < kLogPollInterval) return;
    watcher_.poll();
    last_log_poll_ = SteadyClock::now();
  }

  const SimulationSpec& spec_;
  ScenarioEnvironment& env_;
  Reporter& reporter_;
  std::mt19937_64 random_;
  RegistrationWatcher watcher_;
  std::vector<Host> hosts_;
  RunAction template_;
  int next_container_ = 1;
  std::unordered_map<std::string, std::int64_t> started_at_;  // service ID -> wall ns just before its start
  SteadyClock::time_point last_log_poll_ = SteadyClock::now();
};

std::vector<UsageSummary> usage_by_role(ScenarioEnvironment& env) {
  std::map<std::string, UsageSummary> by_role;
  for (const auto& p : env.running_processes()) {
    auto& u = by_role[p.role];
    u.role = p.role;
    ++u.processes;
    if (const auto usage = read_process_usage(p.pid)) {
      u.cpu_seconds += usage->cpu_seconds;
      u.max_peak_rss = std::max(u.max_peak_rss, usage->peak_rss_bytes);
    }
  }
  std::vector<UsageSummary> out;
  for (const char* role : {"registrator", "fake-docker", "fake-consul"})
    if (by_role.count(role)) out.push_back(by_role[role]);
  return out;
}

std::string fixed(double value, int decimals) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  s << value;
  return s.str();
}

std::string mib(std::uint64_t bytes) { return fixed(static_cast<double>(bytes) / (1024.0 * 1024.0), 1) + " MiB"; }

}  // namespace

LagSummary summarize_lags(std::vector<double> lags_ms) {
  LagSummary s;
  s.count = lags_ms.size();
  if (lags_ms.empty()) return s;
  std::sort(lags_ms.begin(), lags_ms.end());
  const auto rank = [&](double q) {
    const auto index = static_cast<std::size_t>(std::ceil(q * static_cast<double>(lags_ms.size()))) ;
    return lags_ms[std::min(lags_ms.size() - 1, index == 0 ? 0 : index - 1)];
  };
  s.p50_ms = rank(0.50);
  s.p99_ms = rank(0.99);
  s.max_ms = lags_ms.back();
  return s;
}

SimulationResult run_simulation(const SimulationSpec& spec, const RunOptions& options, Reporter& reporter) {
  SimulationResult result;
  result.spec = spec;
  auto scenario = cluster_scenario(spec);
  const auto missing = missing_programs(scenario, options);
  if (!missing.empty()) throw LaunchError(missing.front());
  // --netns: every host in a namespace of its own, registering its namespace address.
  std::optional<NetnsPlan> netns;
  if (options.netns) {
    std::vector<std::string> hosts;
    for (const auto& h : scenario.hosts) hosts.push_back(h.name);
    netns = plan_netns(::getpid(), hosts);
    scenario = scenario_for_netns(scenario, *netns);
  }
  const auto log_dir = make_log_dir("simulate");
  {
    const auto setup_started = SteadyClock::now();
    ScenarioEnvironment env(scenario, options, log_dir, reporter, netns ? &*netns : nullptr);
    result.setup_time = since_start(setup_started);
    result.netns_setup_time = env.netns_setup_time();
    Cluster cluster(spec, env, reporter);
    cluster.populate(result);
    cluster.churn(result);
    cluster.converge(result);
    result.usage = usage_by_role(env);
    result.ended_processes = env.ended_processes();
  }
  if (result.passed() && !options.keep_logs) {
    std::error_code ec;
    fs::remove_all(log_dir, ec);
  } else {
    reporter.note("logs: " + log_dir.string());
  }
  return result;
}

std::string format_simulation(const SimulationResult& r) {
  std::ostringstream out;
  const auto& s = r.spec;
  out << "simulation: " << s.hosts << " hosts x " << s.containers << " containers, churn " << fixed(s.churn_per_second, 0)
      << "/s for " << format_duration(s.duration) << ", seed " << s.seed << (s.netns ? ", --netns" : "") << "\n";
  const auto rate = [](std::size_t n, Duration d) {
    return fixed(static_cast<double>(n) / std::max(0.001, std::chrono::duration<double>(d).count()), 0) + "/s";
  };
  out << "  setup         "
      << (s.netns ? std::to_string(s.hosts + 1) + " network namespaces in " + format_duration(r.netns_setup_time) + ", " : std::string{})
      << "everything started in " << format_duration(r.setup_time) << "\n";
  out << "  populate      " << r.initial_containers << " containers started in " << format_duration(r.populate_time)
      << " (" << rate(r.initial_containers, r.populate_time) << ")\n";
  out << "  churn         " << r.churn_started + r.churn_ended << " operations in " << format_duration(r.churn_time)
      << " (" << rate(r.churn_started + r.churn_ended, r.churn_time) << "): " << r.churn_started << " started, "
      << r.churn_ended << " ended\n";
  out << "  convergence   "
      << (r.convergence ? format_duration(*r.convergence) + " after the last event"
                        : "NOT within " + format_duration(s.settle) + ": " + r.mismatch)
      << "\n";
  out << "  registry      " << r.running << " running, " << r.registered << " registered: lost " << r.lost
      << ", stale " << r.stale << ", duplicated " << r.duplicated << ", on another host's node " << r.misplaced
      << "\n";
  out << "  lag           p50 " << fixed(r.lag.p50_ms, 2) << " ms, p99 " << fixed(r.lag.p99_ms, 2) << " ms, max "
      << fixed(r.lag.max_ms, 2) << " ms (" << r.lag.count << " registrations; " << r.never_registered
      << " containers ended before registrator registered them)\n";
  for (const auto& u : r.usage)
    out << "  " << u.role << std::string(u.role.size() < 14 ? 14 - u.role.size() : 1, ' ') << fixed(u.cpu_seconds, 2)
        << " s CPU in " << u.processes << " process" << (u.processes == 1 ? "" : "es") << ", peak RSS "
        << mib(u.max_peak_rss) << (u.processes > 1 ? " (largest)" : "") << "\n";
  for (const auto& e : r.ended_processes) out << "  FAIL  " << e << " during the simulation\n";
  out << (r.passed() ? "PASS" : "FAIL") << "\n";
  return out.str();
}

nlohmann::json simulation_json(const SimulationResult& r) {
  nlohmann::json usage = nlohmann::json::array();
  for (const auto& u : r.usage)
    usage.push_back({{"role", u.role}, {"processes", u.processes}, {"cpu_seconds", u.cpu_seconds},
                     {"max_peak_rss_bytes", u.max_peak_rss}});
  return {
      {"passed", r.passed()},
      {"hosts", r.spec.hosts},
      {"containers_per_host", r.spec.containers},
      {"churn_per_second", r.spec.churn_per_second},
      {"duration_ms", r.spec.duration.count()},
      {"seed", r.spec.seed},
      {"initial_containers", r.initial_containers},
      {"netns", r.spec.netns},
      {"setup_ms", r.setup_time.count()},
      {"netns_setup_ms", r.netns_setup_time.count()},
      {"populate_ms", r.populate_time.count()},
      {"churn_started", r.churn_started},
      {"churn_ended", r.churn_ended},
      {"churn_ms", r.churn_time.count()},
      {"converged", r.convergence.has_value()},
      {"convergence_ms", r.convergence ? nlohmann::json(r.convergence->count()) : nlohmann::json(nullptr)},
      {"running", r.running},
      {"registered", r.registered},
      {"lost", r.lost},
      {"stale", r.stale},
      {"duplicated", r.duplicated},
      {"misplaced", r.misplaced},
      {"lag_ms", {{"count", r.lag.count}, {"p50", r.lag.p50_ms}, {"p99", r.lag.p99_ms}, {"max", r.lag.max_ms}}},
      {"never_registered", r.never_registered},
      {"usage", usage},
      {"ended_processes", r.ended_processes},
  };
}

}  // namespace regsim
