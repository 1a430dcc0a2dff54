#pragma once
// `regsim simulate`: a whole cluster on one machine. Every simulated host gets its own
// fake-docker and registrator (all registering into one fake Consul); the hosts are filled with
// containers, then churned at a steady rate from a seed, and the run reports how quickly and how
// completely the catalog followed: convergence time after the last event, registration lag,
// lost / stale / duplicated registrations, and the CPU and memory each kind of process used.

#include "scenarios/regsim/language/duration.hpp"
#include "scenarios/regsim/reports/reporter.hpp"
#include "scenarios/regsim/run_options.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace regsim {

struct SimulationSpec {
  int hosts = 10;
  int containers = 20;             // per host, started before the churn; the churn keeps the total
  double churn_per_second = 50;    // container operations (an end, then a start, ...) per second
  Duration duration{10000};        // of the churn
  Duration settle{30000};          // how long the catalog may take to converge after the last event
  std::uint64_t seed = 1;
  bool netns = false;              // --netns (the same as RunOptions::netns; shown in the summary)
};

struct LagSummary {
  std::size_t count = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

/// Percentiles (nearest rank) of registration lags in milliseconds.
LagSummary summarize_lags(std::vector<double> lags_ms);

struct UsageSummary {
  std::string role;  // "registrator", "fake-docker", "fake-consul"
  int processes = 0;
  double cpu_seconds = 0;            // summed over the processes
  std::uint64_t max_peak_rss = 0;    // the largest VmHWM of one process
};

struct SimulationResult {
  SimulationSpec spec;
  Duration netns_setup_time{0};  // of setup_time: building the --netns namespaces
  Duration setup_time{0};  // namespaces (with --netns), fake-consul, fake-dockers and registrators started
  std::size_t initial_containers = 0;
  Duration populate_time{0};
  std::size_t churn_started = 0, churn_ended = 0;
  Duration churn_time{0};
  std::optional<Duration> convergence;  // after the last event; unset = not within settle
  std::size_t running = 0, registered = 0, lost = 0, stale = 0, duplicated = 0;
  std::size_t misplaced = 0;  // registered on another node than its host's own agent
  std::string mismatch;  // the last comparison's message when it did not converge
  LagSummary lag;
  std::size_t never_registered = 0;  // started but ended before any registration was seen
  std::vector<UsageSummary> usage;
  std::vector<std::string> ended_processes;

  bool passed() const {
    return convergence && lost == 0 && stale == 0 && duplicated == 0 && misplaced == 0 && ended_processes.empty();
  }
};

/// Runs the simulation; throws LaunchError when the processes cannot start, Interrupted on Ctrl-C.
SimulationResult run_simulation(const SimulationSpec& spec, const RunOptions& options, Reporter& reporter);

/// The summary table printed at the end.
std::string format_simulation(const SimulationResult& result);
nlohmann::json simulation_json(const SimulationResult& result);

}  // namespace regsim
