#include "scenarios/regsim/processes/process_usage.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <fstream>
#include <sstream>

namespace regsim {

std::optional<unsigned long long> cpu_ticks_from_stat(const std::string& stat_line) {
  const auto close = stat_line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat_line.substr(close + 1));
  // After "(comm)": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15; ++i) {
    if (!(fields >> field)) return std::nullopt;
    if (i == 14 || i == 15) {
      try {
        std::size_t used = 0;
        const auto value = std::stoull(field, &used);
        if (used != field.size()) return std::nullopt;
        (i == 14 ? utime : stime) = value;
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
  }
  return utime + stime;
}

std::optional<std::uint64_t> peak_rss_from_status(const std::string& status_text) {
  std::istringstream lines(status_text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("VmHWM:")) continue;
    std::istringstream value(line.substr(6));
    std::uint64_t kib = 0;
    std::string unit;
    if (!(value >> kib >> unit) || unit != "kB") return std::nullopt;
    return kib * 1024;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> run_ns_from_schedstat(const std::string& schedstat_line) {
  std::istringstream fields(schedstat_line);
  std::string first;
  if (!(fields >> first) || first.empty() || first.size() > 19) return std::nullopt;
  for (char c : first)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoull(first);
}

namespace {

// The CPU time of every live thread in nanoseconds, from /proc/PID/task/*/schedstat; nullopt
// where the kernel keeps no schedstat.
std::optional<std::uint64_t> live_threads_run_ns(const std::string& dir) {
  std::error_code ec;
  std::uint64_t sum = 0;
  bool any = false;
  for (const auto& task : std::filesystem::directory_iterator(dir + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    std::string line;
    if (!std::getline(in, line)) continue;
    if (const auto ns = run_ns_from_schedstat(line)) {
      sum += *ns;
      any = true;
    }
  }
  if (ec || !any) return std::nullopt;
  return sum;
}

}  // namespace

std::optional<ProcessUsage> read_process_usage(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream stat(dir + "/stat");
  std::string stat_line;
  if (!std::getline(stat, stat_line)) return std::nullopt;
  std::ifstream status(dir + "/status");
  std::stringstream status_text;
  status_text << status.rdbuf();
  const auto ticks = cpu_ticks_from_stat(stat_line);
  const auto peak = peak_rss_from_status(status_text.str());
  if (!ticks || !peak) return std::nullopt;
  // utime + stime count whole clock ticks (10 ms), so a process that used 6 ms reads 0: a
  // simulation's registrators summed to 0.00 s. schedstat counts nanoseconds but only for the
  // threads still alive; the larger of the two is the closer.
  const double from_ticks = static_cast<double>(*ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  const auto run_ns = live_threads_run_ns(dir);
  const double from_schedstat = run_ns ? static_cast<double>(*run_ns) / 1e9 : 0.0;
  return ProcessUsage{std::max(from_ticks, from_schedstat), *peak};
}

}  // namespace regsim
