#include "scenarios/regsim/language/churn_plan.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

namespace regsim {

std::string churn_container_name(const std::string& group, int index) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%04d", index);
  return group + "-" + digits;
}

const char* churn_end_name(ChurnEnd end) {
  switch (end) {
    case ChurnEnd::stop: return "stop";
    case ChurnEnd::kill: return "kill";
    case ChurnEnd::exit_zero: return "exit 0";
    case ChurnEnd::exit_one: return "exit 1";
    case ChurnEnd::rm: return "rm";
  }
  return "?";
}

std::vector<ChurnEvent> plan_churn(const ChurnAction& churn) {
  // mt19937_64's output is fixed by the standard; the std distributions are not (they differ
  // between standard libraries), so the ranges below are taken with plain arithmetic.
  std::mt19937_64 random(churn.seed);
  const auto below = [&random](std::uint64_t n) { return n == 0 ? 0 : random() % n; };

  std::vector<ChurnEvent> events;
  events.reserve(static_cast<std::size_t>(churn.count) * 2);
  const double gap_ms = churn.per_second > 0 ? 1000.0 / churn.per_second : 0.0;
  const auto span = static_cast<std::uint64_t>((churn.lifetime_max - churn.lifetime_min).count());
  for (int i = 1; i <= churn.count; ++i) {
    const Duration started{static_cast<Duration::rep>(gap_ms * (i - 1))};
    events.push_back({started, i, true, ChurnEnd::stop});
    const bool survives = below(100) < static_cast<std::uint64_t>(churn.survivors_percent);
    const Duration lifetime = churn.lifetime_min + Duration(static_cast<Duration::rep>(below(span + 1)));
    const auto end = static_cast<ChurnEnd>(below(5));
    if (!survives) events.push_back({started + lifetime, i, false, end});
  }
  std::stable_sort(events.begin(), events.end(), [](const ChurnEvent& a, const ChurnEvent& b) { return a.at < b.at; });
  return events;
}

}  // namespace regsim
