#pragma once
// What another process has spent, read from /proc: the benches report it and the CPU guard
// (tests/bench) compares it with a baseline. CPU time is counted, not wall time, so a busy
// machine changes the figures little.
#include <sys/types.h>

namespace bench {

/// utime + stime of every thread of `pid`, ended ones included (/proc/PID/stat), in seconds;
/// -1 when the process is gone. Resolution: one clock tick (10 ms).
double cpu_seconds(pid_t pid);

/// Peak resident set (VmHWM) in KiB; -1 when the process is gone.
long peak_rss_kib(pid_t pid);

}  // namespace bench
