// The engine's reading of time filter values (moby timestamp.Parse), as prune's `until` takes it.
#include "fakes/docker/engine/docker_time.hpp"

#include <gtest/gtest.h>

namespace {

namespace fd = fakes::docker;
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kNow = 1'800'000'000 * kSecond;

std::string error_of(const std::string& value) {
  try {
    fd::parse_time_value(value, kNow);
  } catch (const fd::TimeValueError& e) {
    return e.what();
  }
  return "<accepted>";
}

TEST(DockerTime, Rfc3339DatesAndTimes) {
  EXPECT_EQ(fd::parse_time_value("2026-01-02T15:04:05Z", kNow), 1767366245 * kSecond);
  EXPECT_EQ(fd::parse_time_value("2026-01-02T15:04:05.25Z", kNow), 1767366245 * kSecond + 250'000'000);
  EXPECT_EQ(fd::parse_time_value("2026-01-02T16:04:05+01:00", kNow), 1767366245 * kSecond);
  EXPECT_EQ(fd::parse_time_value("2026-01-02T15:04Z", kNow), 1767366240 * kSecond);
  EXPECT_EQ(fd::parse_time_value("2026-01-02Z", kNow), 1767312000 * kSecond);
}

TEST(DockerTime, UnixSecondsAndGoDurations) {
  EXPECT_EQ(fd::parse_time_value("1767366245", kNow), 1767366245 * kSecond);
  EXPECT_EQ(fd::parse_time_value("1767366245.5", kNow), 1767366245 * kSecond + 500'000'000);
  EXPECT_EQ(fd::parse_time_value("0", kNow), 0) << "\"0\" is the epoch, not a duration";
  EXPECT_EQ(fd::parse_time_value("10m", kNow), kNow - 600 * kSecond);
  EXPECT_EQ(fd::parse_time_value("1h30m", kNow), kNow - 5400 * kSecond);
  EXPECT_EQ(fd::parse_time_value("-5s", kNow), kNow + 5 * kSecond);
}

TEST(DockerTime, BadValuesGetTheEnginesWords) {
  EXPECT_EQ(error_of("soon"), "failed to parse value as time or duration: invalid seconds \"soon\": invalid syntax");
  EXPECT_EQ(error_of(""), "failed to parse value as time or duration: value is empty");
  EXPECT_EQ(error_of("12.x"), "failed to parse value as time or duration: invalid nanoseconds: invalid character 'x' at position 0");
  EXPECT_EQ(error_of("2026-13-02T15:04:05Z"), "parsing time \"2026-13-02T15:04:05Z\": month out of range");
  EXPECT_EQ(error_of("-5"), "parsing time \"-5\": cannot parse \"-5\" as \"2006\"") << "a '-' makes it a date";
  EXPECT_NE(error_of("2026-01-02T15:04:05Q"), "<accepted>");
}

}  // namespace
