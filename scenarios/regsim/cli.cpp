#include "scenarios/regsim/cli.hpp"

#include "scenarios/regsim/processes/external_consul.hpp"
#include "scenarios/regsim/interrupt.hpp"
#include "scenarios/regsim/netns/netns_topology.hpp"
#include "scenarios/regsim/running/scenario_environment.hpp"
#include "scenarios/regsim/language/scenario_loader.hpp"
#include "scenarios/regsim/running/scenario_lifecycle.hpp"

#include <fstream>
#include <set>

namespace regsim {

const char* const usage_text =
    "usage: regsim run FILE... [--bin-dir DIR] [--registrator PATH] [--one-docker-process] [--netns] [--keep-logs] [-v]\n"
    "                  [--consul HOST:PORT [--consul-dns HOST:PORT]] [--junit FILE] [--json FILE] [--html FILE]\n"
    "       regsim validate FILE...\n"
    "       regsim simulate [--hosts N] [--containers N] [--churn R/s] [--duration D] [--settle D] [--seed N]\n"
    "                       [--bin-dir DIR] [--registrator PATH] [--one-docker-process] [--netns] [--keep-logs] [-v]\n"
    "                       [--json FILE]\n"
    "  run       replay each scenario against fake-docker, fake-consul and registrator\n"
    "  validate  only parse and check the scenario files\n"
    "  simulate  a cluster: per host a fake-docker and a registrator, one fake Consul; fill every host with\n"
    "            containers, churn them, report convergence, lag, lost/stale/duplicated and CPU/RSS\n"
    "            (defaults: --hosts 10 --containers 20 --churn 50/s --duration 10s --settle 30s --seed 1)\n"
    "  --bin-dir DIR       where fake-docker, fake-consul and registrator are (default: regsim's own directory)\n"
    "  --registrator PATH  run this registrator binary on every host\n"
    "  --consul HOST:PORT  (run) use this Consul agent (e.g. a real `consul agent -dev`) instead of starting a fake\n"
    "                      Consul; services whose IDs start with a scenario host's name are deregistered before\n"
    "                      and after each scenario\n"
    "  --consul-dns HOST:PORT  its DNS interface (default: --consul's host, port 8600)\n"
    "  --one-docker-process  simulate every host's Docker in one fake-docker process (an engine and a\n"
    "                      socket per host) instead of one process per host\n"
    "  --netns             (root) every host in a network namespace of its own with an address in 192.0.2.0/24, on\n"
    "                      a bridge in a hub namespace where the fakes and regsim run; all removed afterwards\n"
    "  --keep-logs         keep the process logs even when everything passed\n"
    "  -v, --verbose       print each docker operation and process start\n"
    "  --junit FILE        also write the results as JUnit XML (a testsuite per scenario, a testcase per check)\n"
    "  --json FILE         also write the results as JSON (per check: kind, description, passed, message, duration)\n"
    "  --html FILE         also write a self-contained HTML report (summary, timelines, lag histogram)\n";

namespace {

int int_in_range(const std::string& flag, const std::string& text, long min, long max) {
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < min || value > max)
    throw UsageError(flag + " expects a whole number in " + std::to_string(min) + ".." + std::to_string(max) +
                     ", got \"" + text + "\"");
  return static_cast<int>(value);
}

Duration duration_flag(const std::string& flag, const std::string& text) {
  const auto d = parse_duration(text);
  if (!d || d->count() <= 0) throw UsageError(flag + " expects a duration like \"10s\" or \"500ms\", got \"" + text + "\"");
  return *d;
}

// --netns needs root and `ip`; say so before anything starts. Namespaces an earlier run left
// behind (killed with SIGKILL) are removed here. False when --netns cannot work.
bool prepare_netns(const RunOptions& options, std::ostream& err) {
  if (!options.netns) return true;
  if (const auto reason = netns_unavailable_reason(); !reason.empty()) {
    err << "regsim: " << reason << "\n";
    return false;
  }
  for (const auto& name : remove_leftover_namespaces())
    err << "regsim: removed network namespace " << name << " left behind by an earlier run\n";
  return true;
}

int simulate(const CliCommand& cmd, std::ostream& out, std::ostream& err, bool live) {
  if (!prepare_netns(cmd.options, err)) return 2;
  install_interrupt_handlers();
  Reporter reporter(out, cmd.options.verbose, live);
  SimulationResult result;
  try {
    result = run_simulation(cmd.simulation, cmd.options, reporter);
  } catch (const Interrupted&) {
    out << "interrupted\n";
    return 130;
  } catch (const std::exception& e) {
    err << "regsim: simulate: " << e.what() << "\n";
    return 2;
  }
  reporter.clear_status();
  out << format_simulation(result);
  if (!cmd.reports.json.empty()) {
    std::ofstream file(cmd.reports.json);
    file << simulation_json(result).dump(2) << "\n";
    if (!file) {
      err << "regsim: cannot write " << cmd.reports.json.string() << "\n";
      return 2;
    }
  }
  return result.passed() ? 0 : 1;
}

}  // namespace

CliCommand parse_command_line(const std::vector<std::string>& args) {
  CliCommand cmd;
  if (args.empty()) throw UsageError("missing command (run or validate)");
  const auto& verb = args[0];
  if (verb == "-h" || verb == "--help" || verb == "help") return cmd;
  if (verb == "run") cmd.kind = CliCommand::Kind::run;
  else if (verb == "validate") cmd.kind = CliCommand::Kind::validate;
  else if (verb == "simulate") cmd.kind = CliCommand::Kind::simulate;
  else throw UsageError("unknown command \"" + verb + "\" (expected run, validate or simulate)");
  const bool simulate = cmd.kind == CliCommand::Kind::simulate;

  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto& a = args[i];
    // "--opt VALUE" and "--opt=VALUE" both work.
    auto value_of = [&](const std::string& name) -> std::optional<std::string> {
      if (a == name) {
        if (i + 1 >= args.size()) throw UsageError(name + " needs a value");
        return args[++i];
      }
      if (a.rfind(name + "=", 0) == 0) return a.substr(name.size() + 1);
      return std::nullopt;
    };
    if (a == "-h" || a == "--help") {
      cmd.kind = CliCommand::Kind::help;
      return cmd;
    }
    if (auto v = value_of("--bin-dir")) {
      if (v->empty()) throw UsageError("--bin-dir needs a directory");
      cmd.options.bin_dir = *v;
    } else if (auto r = value_of("--registrator")) {
      if (r->empty()) throw UsageError("--registrator needs a path");
      cmd.options.registrator_override = std::filesystem::absolute(*r).string();
    } else if (auto ec = simulate ? std::nullopt : value_of("--consul")) {
      if (!parse_host_port(*ec)) throw UsageError("--consul expects HOST:PORT, e.g. 127.0.0.1:8500, got \"" + *ec + "\"");
      cmd.options.external_consul = *ec;
    } else if (auto ed = simulate ? std::nullopt : value_of("--consul-dns")) {
      if (!parse_host_port(*ed)) throw UsageError("--consul-dns expects HOST:PORT, e.g. 127.0.0.1:8600, got \"" + *ed + "\"");
      cmd.options.external_consul_dns = *ed;
    } else if (auto j = value_of("--junit")) {
      if (j->empty()) throw UsageError("--junit needs a file");
      cmd.reports.junit = *j;
    } else if (auto js = value_of("--json")) {
      if (js->empty()) throw UsageError("--json needs a file");
      cmd.reports.json = *js;
    } else if (auto h = value_of("--html")) {
      if (h->empty()) throw UsageError("--html needs a file");
      cmd.reports.html = *h;
    } else if (auto n = simulate ? value_of("--hosts") : std::nullopt) {
      cmd.simulation.hosts = int_in_range("--hosts", *n, 1, 2000);
    } else if (auto c = simulate ? value_of("--containers") : std::nullopt) {
      cmd.simulation.containers = int_in_range("--containers", *c, 0, 100000);
    } else if (auto ch = simulate ? value_of("--churn") : std::nullopt) {
      std::string rate = *ch;
      if (rate.ends_with("/s")) rate.resize(rate.size() - 2);
      cmd.simulation.churn_per_second = int_in_range("--churn", rate, 1, 1000000);
    } else if (auto d = simulate ? value_of("--duration") : std::nullopt) {
      cmd.simulation.duration = duration_flag("--duration", *d);
    } else if (auto st = simulate ? value_of("--settle") : std::nullopt) {
      cmd.simulation.settle = duration_flag("--settle", *st);
    } else if (auto sd = simulate ? value_of("--seed") : std::nullopt) {
      cmd.simulation.seed = static_cast<std::uint64_t>(int_in_range("--seed", *sd, 0, 2147483647));
    } else if (a == "--keep-logs") {
      cmd.options.keep_logs = true;
    } else if (a == "--netns") {
      cmd.options.netns = true;
      cmd.simulation.netns = true;
    } else if (a == "--one-docker-process") {
      cmd.options.one_docker_process = true;
    } else if (a == "-v" || a == "--verbose") {
      cmd.options.verbose = true;
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option " + a);
    } else {
      cmd.files.push_back(a);
    }
  }
  if (simulate) {
    if (!cmd.files.empty()) throw UsageError("simulate takes no scenario files (got \"" + cmd.files[0] + "\")");
    if (!cmd.reports.junit.empty() || !cmd.reports.html.empty()) throw UsageError("simulate writes only --json reports");
  } else if (cmd.files.empty()) {
    throw UsageError("no scenario files given");
  }
  if (cmd.kind == CliCommand::Kind::validate &&
      (!cmd.options.bin_dir.empty() || !cmd.options.registrator_override.empty() || cmd.options.keep_logs ||
       cmd.options.one_docker_process || cmd.options.netns || !cmd.options.external_consul.empty() || cmd.reports.any()))
    throw UsageError("validate takes only scenario files (and -v)");
  if (!cmd.options.external_consul_dns.empty() && cmd.options.external_consul.empty())
    throw UsageError("--consul-dns needs --consul");
  if (!cmd.options.external_consul.empty() && cmd.options.netns)
    throw UsageError("--consul and --netns exclude each other (the agent would have to be inside the namespaces)");
  if (!cmd.options.external_consul.empty() && cmd.options.external_consul_dns.empty())
    cmd.options.external_consul_dns = parse_host_port(cmd.options.external_consul)->host + ":8600";
  if (simulate && cmd.options.netns && cmd.simulation.hosts > static_cast<int>(kMaxNetnsHosts))
    throw UsageError("--netns supports at most " + std::to_string(kMaxNetnsHosts) + " hosts (192.0.2.1-253), got --hosts " +
                     std::to_string(cmd.simulation.hosts));
  if (cmd.options.bin_dir.empty()) cmd.options.bin_dir = own_bin_dir();
  return cmd;
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool live) {
  CliCommand cmd;
  try {
    cmd = parse_command_line(args);
  } catch (const UsageError& e) {
    err << "regsim: " << e.what() << "\n" << usage_text;
    return 2;
  }
  if (cmd.kind == CliCommand::Kind::help) {
    out << usage_text;
    return 0;
  }
  if (cmd.kind == CliCommand::Kind::simulate) return simulate(cmd, out, err, live);

  // Every file is checked before anything starts.
  std::vector<Scenario> scenarios;
  bool invalid = false;
  for (const auto& file : cmd.files) {
    try {
      scenarios.push_back(load_scenario(file));
      if (cmd.kind == CliCommand::Kind::validate)
        out << "ok    " << file << " (" << scenarios.back().name << ": " << scenarios.back().hosts.size()
            << " host(s), " << scenarios.back().steps.size() << " step(s))\n";
    } catch (const LoadError& e) {
      err << "regsim: " << e.what() << "\n";
      invalid = true;
    }
  }
  if (invalid) return 2;
  if (cmd.kind == CliCommand::Kind::validate) return 0;

  std::set<std::string> missing;
  for (const auto& s : scenarios)
    for (const auto& problem : missing_programs(s, cmd.options)) missing.insert(problem);
  if (!missing.empty()) {
    for (const auto& m : missing) err << "regsim: " << m << "\n";
    return 2;
  }
  if (!cmd.options.external_consul.empty()) {
    bool refused = false;
    for (const auto& s : scenarios)
      for (const auto& problem : external_consul_problems(s)) {
        err << "regsim: " << s.file << ": cannot run against --consul: " << problem << "\n";
        refused = true;
      }
    if (refused) return 2;
  }
  if (cmd.options.netns)
    for (const auto& s : scenarios)
      if (s.hosts.size() > kMaxNetnsHosts) {
        err << "regsim: " << s.file << ": --netns supports at most " << kMaxNetnsHosts << " hosts, the scenario has "
            << s.hosts.size() << "\n";
        return 2;
      }
  if (!prepare_netns(cmd.options, err)) return 2;

  install_interrupt_handlers();
  Reporter reporter(out, cmd.options.verbose, live);
  // Reports describe whatever ran, also after Ctrl-C; a report that cannot be written is a
  // usage problem (exit 2) even when every check passed.
  auto write_report_files = [&] {
    bool ok = true;
    for (const auto& problem : write_reports(reporter.record(), cmd.reports)) {
      err << "regsim: " << problem << "\n";
      ok = false;
    }
    return ok;
  };
  try {
    for (const auto& s : scenarios) run_scenario(s, cmd.options, reporter);
  } catch (const Interrupted&) {
    out << "interrupted\n";
    reporter.final_summary();
    write_report_files();
    return 130;
  } catch (const std::exception& e) {
    err << "regsim: " << e.what() << "\n";
    return 2;
  }
  reporter.final_summary();
  if (!write_report_files()) return 2;
  return reporter.total_failed() == 0 ? 0 : 1;
}

}  // namespace regsim
