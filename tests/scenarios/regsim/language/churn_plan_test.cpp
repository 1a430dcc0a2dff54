// The plan a churn step follows: reproducible from its seed, at its rate, within its lifetimes.
#include "scenarios/regsim/language/churn_plan.hpp"

#include <gtest/gtest.h>

#include <map>

namespace regsim {
namespace {

ChurnAction churn(int count, int survivors_percent, std::uint64_t seed) {
  ChurnAction c;
  c.container.name = "web";
  c.count = count;
  c.per_second = 100;
  c.lifetime_min = Duration(50);
  c.lifetime_max = Duration(2000);
  c.survivors_percent = survivors_percent;
  c.seed = seed;
  return c;
}

TEST(ChurnPlan, SameSeedSamePlanOtherSeedOtherPlan) {
  const auto a = plan_churn(churn(200, 10, 7));
  const auto b = plan_churn(churn(200, 10, 7));
  const auto c = plan_churn(churn(200, 10, 8));
  ASSERT_EQ(a.size(), b.size());
  bool differs = a.size() != c.size();
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].at, b[i].at);
    EXPECT_EQ(a[i].index, b[i].index);
    EXPECT_EQ(a[i].start, b[i].start);
    EXPECT_EQ(a[i].end, b[i].end);
    if (!differs && (a[i].at != c[i].at || a[i].index != c[i].index || a[i].end != c[i].end)) differs = true;
  }
  EXPECT_TRUE(differs);
}

TEST(ChurnPlan, StartsAtTheRateEndsWithinTheLifetimeInTimeOrder) {
  const auto plan = plan_churn(churn(1000, 0, 3));
  ASSERT_EQ(plan.size(), 2000u);  // no survivors: every container starts and ends once
  std::map<int, Duration> started;
  std::map<ChurnEnd, int> ends;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (i) {
      EXPECT_LE(plan[i - 1].at, plan[i].at);
    }
    const auto& e = plan[i];
    if (e.start) {
      EXPECT_EQ(e.at, Duration(10 * (e.index - 1)));  // 100/s
      started[e.index] = e.at;
      continue;
    }
    ASSERT_TRUE(started.count(e.index)) << "container " << e.index << " ends before it starts";
    const auto lifetime = e.at - started[e.index];
    EXPECT_GE(lifetime, Duration(50));
    EXPECT_LE(lifetime, Duration(2000));
    ++ends[e.end];
  }
  EXPECT_EQ(started.size(), 1000u);
  for (auto end : {ChurnEnd::stop, ChurnEnd::kill, ChurnEnd::exit_zero, ChurnEnd::exit_one, ChurnEnd::rm})
    EXPECT_GT(ends[end], 100) << churn_end_name(end) << " is (almost) never chosen";
}

TEST(ChurnPlan, SurvivorsHaveNoEnd) {
  const auto plan = plan_churn(churn(1000, 20, 5));
  std::size_t starts = 0;
  for (const auto& e : plan) starts += e.start;
  EXPECT_EQ(starts, 1000u);
  const auto survivors = 2000 - plan.size();
  EXPECT_GT(survivors, 120u);
  EXPECT_LT(survivors, 280u);
  EXPECT_TRUE(plan_churn(churn(50, 100, 1)).size() == 50u);
}

TEST(ChurnPlan, NamesAreNumberedFromOneWithFourDigits) {
  EXPECT_EQ(churn_container_name("web", 7), "web-0007");
  EXPECT_EQ(churn_container_name("api", 12345), "api-12345");
}

}  // namespace
}  // namespace regsim
