// The Reporter: results are recorded as they are printed, and the live status line appears
// only on a terminal and is always erased before a result line.
#include "scenarios/regsim/reports/reporter.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace regsim {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(Reporter, RecordsEachResultWithKindAndTiming) {
  std::ostringstream out;
  Reporter r(out, false);
  r.scenario_start("s1", "s1.json", "d");
  r.progress("run host1/web5");
  r.pass("catalog valami", "1 entry as expected", {"catalog", 250ms});
  r.fail("steps[2] (line 9) stop host1/web5", "404 no such container", {"step"});
  r.scenario_end("s1", 1s);
  const auto& rec = r.record();
  ASSERT_EQ(rec.scenarios.size(), 1u);
  const auto& s = rec.scenarios[0];
  EXPECT_FALSE(s.passed);
  EXPECT_EQ(s.elapsed, 1s);
  ASSERT_EQ(s.checks.size(), 2u);
  EXPECT_EQ(s.checks[0].kind, "catalog");
  EXPECT_EQ(s.checks[0].took, 250ms);
  EXPECT_TRUE(s.checks[0].passed);
  EXPECT_EQ(s.checks[1].kind, "step");
  EXPECT_EQ(s.checks[1].detail, "404 no such container");
  ASSERT_EQ(s.timeline.size(), 1u) << "progress is on the timeline even without -v";
  EXPECT_EQ(s.timeline[0].text, "run host1/web5");
  EXPECT_THAT(out.str(), ::testing::Not(HasSubstr("run host1/web5")));
}

TEST(Reporter, NoStatusLineWhenNotATerminal) {
  std::ostringstream out;
  Reporter r(out, false, /*live=*/false);
  r.scenario_start("s1", "s1.json", "");
  r.status("step 1/3  waiting for catalog valami 0ms/5s");
  r.pass("catalog valami", "ok", {"catalog", 1ms});
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
  EXPECT_EQ(out.str().find("step 1/3"), std::string::npos);
}

TEST(Reporter, StatusLineIsErasedBeforeTheNextResult) {
  std::ostringstream out;
  Reporter r(out, false, /*live=*/true);
  r.scenario_start("s1", "s1.json", "");
  r.status("step 1/3  waiting for catalog valami 100ms/5s");
  r.pass("catalog valami", "ok", {"catalog", 1ms});
  EXPECT_THAT(out.str(), HasSubstr("\r\x1b[Kstep 1/3  waiting for catalog valami 100ms/5s\r\x1b[KPASS  catalog valami: ok\n"));
}

}  // namespace
}  // namespace regsim
