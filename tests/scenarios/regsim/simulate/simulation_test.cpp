// The simulator's arithmetic: lag percentiles, the registry diff, and the /proc readers behind
// its CPU and memory report.
#include "scenarios/regsim/processes/process_usage.hpp"
#include "scenarios/regsim/checks/running_group_check.hpp"
#include "scenarios/regsim/simulate/simulation.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <ctime>

namespace regsim {
namespace {

TEST(SimulationLag, NearestRankPercentiles) {
  std::vector<double> lags;
  for (int i = 100; i >= 1; --i) lags.push_back(i);  // unsorted on purpose
  const auto s = summarize_lags(lags);
  EXPECT_EQ(s.count, 100u);
  EXPECT_EQ(s.p50_ms, 50);
  EXPECT_EQ(s.p99_ms, 99);
  EXPECT_EQ(s.max_ms, 100);
  const auto one = summarize_lags({3.5});
  EXPECT_EQ(one.p50_ms, 3.5);
  EXPECT_EQ(one.p99_ms, 3.5);
  EXPECT_EQ(summarize_lags({}).count, 0u);
}

TEST(RegistrationDiff, CountsAcrossHostsWithAnEmptyPrefix) {
  const auto catalog = nlohmann::json::array({{{"ServiceID", "h001:app-000001:80"}},
                                              {{"ServiceID", "h002:app-000002:80"}},
                                              {{"ServiceID", "h002:app-000002:80"}},
                                              {{"ServiceID", "h003:app-000009:80"}}});
  const auto diff = diff_registrations({"h001:app-000001:80", "h002:app-000002:80", "h001:app-000003:80"}, "", catalog);
  EXPECT_EQ(diff.running, 3u);
  EXPECT_EQ(diff.registered, 3u);
  EXPECT_EQ(diff.lost, std::vector<std::string>{"h001:app-000003:80"});
  EXPECT_EQ(diff.stale, std::vector<std::string>{"h003:app-000009:80"});
  EXPECT_EQ(diff.duplicated, std::vector<std::string>{"h002:app-000002:80"});
  EXPECT_FALSE(diff.clean());
  EXPECT_EQ(diff_registrations({"a"}, "", nlohmann::json::object()).lost.size(), 1u);
}

TEST(ProcessUsage, ReadsCpuTicksAfterTheCommandName) {
  // A command name with a space and a parenthesis must not shift the fields.
  const std::string line =
      "4242 (fake (docker) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 123 45 0 0 20 0 1 0 100 1000 200";
  EXPECT_EQ(cpu_ticks_from_stat(line), 168u);
  EXPECT_EQ(cpu_ticks_from_stat("4242 (x) S 1 2"), std::nullopt);
  EXPECT_EQ(cpu_ticks_from_stat("no parenthesis"), std::nullopt);
}

TEST(ProcessUsage, ReadsPeakRssFromStatus) {
  EXPECT_EQ(peak_rss_from_status("Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1000 kB\n"), 2048u * 1024);
  EXPECT_EQ(peak_rss_from_status("Name:\tx\n"), std::nullopt);
  EXPECT_EQ(peak_rss_from_status("VmHWM:\t12 MB\n"), std::nullopt);
}

TEST(ProcessUsage, ReadsNanosecondsFromSchedstat) {
  EXPECT_EQ(run_ns_from_schedstat("6123456 2000 17\n"), 6123456u);
  EXPECT_EQ(run_ns_from_schedstat(""), std::nullopt);
  EXPECT_EQ(run_ns_from_schedstat("-5 1 1"), std::nullopt);
  EXPECT_EQ(run_ns_from_schedstat("99999999999999999999999 1 1"), std::nullopt);
}

TEST(ProcessUsage, AProcessThatRanUnderATickStillReportsItsCpu) {
  // A child does 4 ms of work, below the 10 ms clock tick /proc/PID/stat counts in, then waits.
  // The work is counted in the child's own CPU time: on a loaded machine 4 ms of wall time can be
  // 2.8 ms on a CPU.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const auto cpu_ns = [] {
      timespec t{};
      ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
      return static_cast<long long>(t.tv_sec) * 1'000'000'000LL + t.tv_nsec;
    };
    const long long start = cpu_ns();
    volatile unsigned spin = 0;
    while (cpu_ns() - start < 4'000'000LL) spin = spin + 1;
    (void)!::write(ready[1], "x", 1);
    ::pause();
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  const auto usage = read_process_usage(child);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  ASSERT_TRUE(usage.has_value());
  EXPECT_GT(usage->cpu_seconds, 0.003);
}

TEST(ProcessUsage, ThisProcessHasSomeMemoryAndAMissingOneHasNone) {
  const auto self = read_process_usage(::getpid());
  ASSERT_TRUE(self.has_value());
  EXPECT_GT(self->peak_rss_bytes, 1024u * 1024);
  EXPECT_FALSE(read_process_usage(0x7ffffff0).has_value());
}

}  // namespace
}  // namespace regsim
