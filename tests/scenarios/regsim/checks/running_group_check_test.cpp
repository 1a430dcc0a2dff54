// The check that the catalog holds exactly a churn group's running containers.
#include "scenarios/regsim/checks/running_group_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace regsim {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

json entry(const std::string& id) { return {{"ServiceID", id}, {"ServicePort", 80}}; }

TEST(RunningGroupCheck, ExactlyTheRunningOnesPasses) {
  const auto r = compare_running_group({"host1:web-0001:80", "host1:web-0003:80"}, "host1:web-",
                                       json::array({entry("host1:web-0003:80"), entry("host1:web-0001:80"),
                                                    entry("host2:web-0002:80"), entry("host1:api-0002:80")}));
  EXPECT_TRUE(r.held) << r.detail;
  EXPECT_EQ(r.detail, "2 running, 2 registered, none lost, stale or duplicated");
}

TEST(RunningGroupCheck, NamesLostStaleAndDuplicatedEntries) {
  const auto r = compare_running_group({"host1:web-0001:80", "host1:web-0002:80"}, "host1:web-",
                                       json::array({entry("host1:web-0001:80"), entry("host1:web-0001:80"),
                                                    entry("host1:web-0009:80")}));
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.detail,
            "2 running, 2 registered: lost 1 (host1:web-0002:80), stale 1 (host1:web-0009:80), "
            "duplicated 1 (host1:web-0001:80)");
}

TEST(RunningGroupCheck, LongListsAreCutAfterFiveExamples) {
  std::set<std::string> expected;
  for (int i = 1; i <= 8; ++i) expected.insert("host1:" + churn_container_name("web", i) + ":80");
  const auto r = compare_running_group(expected, "host1:web-", json::array());
  EXPECT_FALSE(r.held);
  EXPECT_THAT(r.detail, HasSubstr("lost 8 (host1:web-0001:80, host1:web-0002:80, host1:web-0003:80, "
                                  "host1:web-0004:80, host1:web-0005:80, ...)"));
}

TEST(RunningGroupCheck, AnAnswerThatIsNotAListFails) {
  EXPECT_THAT(compare_running_group({}, "h:", json::object()).detail, HasSubstr("instead of a list"));
}

}  // namespace
}  // namespace regsim
