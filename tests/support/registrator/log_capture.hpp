#pragma once
// Captures registrator's log lines for a test (registrator::log's sink) and finds them.
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "registrator/app/log.hpp"

namespace regtest {

// The sink runs under the logger's lock on whichever thread logs (the event pump's too), and
// takes mu() for `lines`, which the test thread reads. mu() is one mutex for the process, like the
// logger's, not a member: libstdc++'s std::mutex never tells TSan it was destroyed, so a member
// on the stack and a later test's mutex at the same address are one mutex to TSan's deadlock
// detector, which then joins "logger -> capture" and "that mutex -> logger" into a cycle that
// no run can take (google/sanitizers#494; seen running bridge_test whole).
struct LogCapture {
  std::vector<std::string> lines;
  static std::mutex& mu() {
    static std::mutex m;
    return m;
  }
  LogCapture() {
    registrator::log::set_sink([this](std::string_view l) {
      std::lock_guard lock(mu());
      lines.emplace_back(l);
    });
  }
  ~LogCapture() { registrator::log::set_sink({}); }
  bool contains(const std::string& needle) {
    std::lock_guard lock(mu());
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
};

}  // namespace regtest
