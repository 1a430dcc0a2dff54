#pragma once
// CPU time and peak memory of running processes, read from /proc: what a simulation reports
// about registrator and the fakes.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace regsim {

struct ProcessUsage {
  double cpu_seconds = 0;            // user + system
  std::uint64_t peak_rss_bytes = 0;  // VmHWM
};

/// nullopt when the process is gone or /proc cannot be read.
std::optional<ProcessUsage> read_process_usage(pid_t pid);

/// The CPU fields of a /proc/PID/stat line (utime + stime in clock ticks); nullopt when the line
/// does not have them. The command name may hold spaces and parentheses, so fields are counted
/// from the last ')'.
std::optional<unsigned long long> cpu_ticks_from_stat(const std::string& stat_line);

/// The first field of a /proc/PID/task/TID/schedstat line: nanoseconds the thread ran on a CPU.
std::optional<std::uint64_t> run_ns_from_schedstat(const std::string& schedstat_line);

/// VmHWM from /proc/PID/status text, in bytes; nullopt when absent.
std::optional<std::uint64_t> peak_rss_from_status(const std::string& status_text);

}  // namespace regsim
