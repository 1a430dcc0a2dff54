#include "regsim/cli.hpp"

#include "regsim/interrupt.hpp"
#include "regsim/scenario_environment.hpp"
#include "regsim/scenario_loader.hpp"
#include "regsim/scenario_runner.hpp"

#include <set>

namespace regsim {

const char* const usage_text =
    "usage: regsim run FILE... [--bin-dir DIR] [--registrator PATH] [--keep-logs] [-v]\n"
    "                  [--junit FILE] [--json FILE] [--html FILE]\n"
    "       regsim validate FILE...\n"
    "  run       replay each scenario against fake-docker, fake-consul and registrator\n"
    "  validate  only parse and check the scenario files\n"
    "  --bin-dir DIR       where fake-docker, fake-consul and registrator are (default: regsim's own directory)\n"
    "  --registrator PATH  run this registrator binary on every host\n"
    "  --keep-logs         keep the process logs even when everything passed\n"
    "  -v, --verbose       print each docker operation and process start\n"
    "  --junit FILE        also write the results as JUnit XML (a testsuite per scenario, a testcase per check)\n"
    "  --json FILE         also write the results as JSON (per check: kind, description, passed, message, duration)\n"
    "  --html FILE         also write a self-contained HTML report (summary, timelines, lag histogram)\n";

CliCommand parse_command_line(const std::vector<std::string>& args) {
  CliCommand cmd;
  if (args.empty()) throw UsageError("missing command (run or validate)");
  const auto& verb = args[0];
  if (verb == "-h" || verb == "--help" || verb == "help") return cmd;
  if (verb == "run") cmd.kind = CliCommand::Kind::run;
  else if (verb == "validate") cmd.kind = CliCommand::Kind::validate;
  else throw UsageError("unknown command \"" + verb + "\" (expected run or validate)");

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
    } else if (auto j = value_of("--junit")) {
      if (j->empty()) throw UsageError("--junit needs a file");
      cmd.reports.junit = *j;
    } else if (auto js = value_of("--json")) {
      if (js->empty()) throw UsageError("--json needs a file");
      cmd.reports.json = *js;
    } else if (auto h = value_of("--html")) {
      if (h->empty()) throw UsageError("--html needs a file");
      cmd.reports.html = *h;
    } else if (a == "--keep-logs") {
      cmd.options.keep_logs = true;
    } else if (a == "-v" || a == "--verbose") {
      cmd.options.verbose = true;
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option " + a);
    } else {
      cmd.files.push_back(a);
    }
  }
  if (cmd.files.empty()) throw UsageError("no scenario files given");
  if (cmd.kind == CliCommand::Kind::validate &&
      (!cmd.options.bin_dir.empty() || !cmd.options.registrator_override.empty() || cmd.options.keep_logs ||
       cmd.reports.any()))
    throw UsageError("validate takes only scenario files (and -v)");
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
