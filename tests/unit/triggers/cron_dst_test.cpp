// next_after across daylight saving time changes, as croniter 7.0.0 fires
// (its output for these very cases).
#include <gtest/gtest.h>

#include "unit/triggers/cron_test_support.h"

namespace wasmfaas::triggers {
namespace {

using testing::fires;
using V = std::vector<std::string>;

// 2025-03-30 02:00 CET -> 03:00 CEST; 2025-10-26 03:00 CEST -> 02:00 CET.
constexpr std::string_view kLuxembourg = "Europe/Luxembourg";
// 2025-03-09 02:00 EST -> 03:00 EDT; 2025-11-02 02:00 EDT -> 01:00 EST.
constexpr std::string_view kNewYork = "America/New_York";
// Half an hour: 2025-10-05 02:00 -> 02:30 (+11:00); 2026-04-05 02:00 -> 01:30 (+10:30).
constexpr std::string_view kLordHowe = "Australia/Lord_Howe";

TEST(CronSpringForward, SkippedTickWithAFixedHourFiresAtTheEndOfTheGap) {
  EXPECT_EQ(
      fires("30 2 * * *", kLuxembourg, "2025-03-29T12:00:00+01:00", 3),
      (V{"2025-03-30T03:00:00+02:00", "2025-03-31T02:30:00+02:00", "2025-04-01T02:30:00+02:00"}));
  EXPECT_EQ(fires("0 2 * * *", kNewYork, "2025-03-08T12:00:00-05:00", 2),
            (V{"2025-03-09T03:00:00-04:00", "2025-03-10T02:00:00-04:00"}));
}

TEST(CronSpringForward, SkippedTicksInOneGapFireOnce) {
  EXPECT_EQ(fires("0,30 2,3 * * *", kLuxembourg, "2025-03-30T01:15:00+01:00", 4),
            (V{"2025-03-30T03:00:00+02:00", "2025-03-30T03:30:00+02:00",
               "2025-03-31T02:00:00+02:00", "2025-03-31T02:30:00+02:00"}));
  EXPECT_EQ(fires("*/10 2 * * *", kNewYork, "2025-03-09T01:00:00-05:00", 2),
            (V{"2025-03-09T03:00:00-04:00", "2025-03-10T02:00:00-04:00"}));
}

TEST(CronSpringForward, EveryHourSkipsTheGap) {
  EXPECT_EQ(
      fires("30 * * * *", kLuxembourg, "2025-03-30T01:15:00+01:00", 3),
      (V{"2025-03-30T01:30:00+01:00", "2025-03-30T03:30:00+02:00", "2025-03-30T04:30:00+02:00"}));
  EXPECT_EQ(fires("*/20 * * * *", kLuxembourg, "2025-03-30T01:15:00+01:00", 4),
            (V{"2025-03-30T01:20:00+01:00", "2025-03-30T01:40:00+01:00",
               "2025-03-30T03:00:00+02:00", "2025-03-30T03:20:00+02:00"}));
  EXPECT_EQ(
      fires("0 */1 * * *", kNewYork, "2025-03-09T00:30:00-05:00", 3),
      (V{"2025-03-09T01:00:00-05:00", "2025-03-09T03:00:00-04:00", "2025-03-09T04:00:00-04:00"}));
}

TEST(CronSpringForward, SecondsKeepTheirPlaceInTheMinute) {
  EXPECT_EQ(fires("15 30 2 * * *", kLuxembourg, "2025-03-30T01:15:00+01:00", 2),
            (V{"2025-03-30T03:00:15+02:00", "2025-03-31T02:30:15+02:00"}));
  // Between the end of the gap and the moved tick: the tick is not seen.
  EXPECT_EQ(fires("15 30 2 * * *", kLuxembourg, "2025-03-30T03:00:05+02:00", 1),
            (V{"2025-03-31T02:30:15+02:00"}));
}

TEST(CronSpringForward, HalfHourGap) {
  EXPECT_EQ(fires("15 2 * * *", kLordHowe, "2025-10-04T12:00:00+10:30", 2),
            (V{"2025-10-05T02:30:00+11:00", "2025-10-06T02:15:00+11:00"}));
  EXPECT_EQ(
      fires("*/10 * * * *", kLordHowe, "2025-10-05T01:45:00+10:30", 3),
      (V{"2025-10-05T01:50:00+10:30", "2025-10-05T02:30:00+11:00", "2025-10-05T02:40:00+11:00"}));
}

TEST(CronFallBack, RepeatedWallClockTimeFiresTwice) {
  EXPECT_EQ(
      fires("30 1 * * *", kNewYork, "2025-11-01T12:00:00-04:00", 3),
      (V{"2025-11-02T01:30:00-04:00", "2025-11-02T01:30:00-05:00", "2025-11-03T01:30:00-05:00"}));
  EXPECT_EQ(
      fires("30 2 * * *", kLuxembourg, "2025-10-25T12:00:00+02:00", 3),
      (V{"2025-10-26T02:30:00+02:00", "2025-10-26T02:30:00+01:00", "2025-10-27T02:30:00+01:00"}));
}

TEST(CronFallBack, HourlyFiresInBothPassesOfTheRepeatedHour) {
  EXPECT_EQ(fires("0 * * * *", kNewYork, "2025-11-02T00:30:00-04:00", 4),
            (V{"2025-11-02T01:00:00-04:00", "2025-11-02T01:00:00-05:00",
               "2025-11-02T02:00:00-05:00", "2025-11-02T03:00:00-05:00"}));
  EXPECT_EQ(
      fires("*/20 1 * * *", kNewYork, "2025-11-02T00:30:00-04:00", 7),
      (V{"2025-11-02T01:00:00-04:00", "2025-11-02T01:20:00-04:00", "2025-11-02T01:40:00-04:00",
         "2025-11-02T01:00:00-05:00", "2025-11-02T01:20:00-05:00", "2025-11-02T01:40:00-05:00",
         "2025-11-03T01:00:00-05:00"}));
}

TEST(CronFallBack, FromInsideTheSecondPass) {
  EXPECT_EQ(fires("50 1 * * *", kNewYork, "2025-11-02T01:40:00-05:00", 1),
            (V{"2025-11-02T01:50:00-05:00"}));
  EXPECT_EQ(fires("30 1 * * *", kNewYork, "2025-11-02T01:45:00-05:00", 1),
            (V{"2025-11-03T01:30:00-05:00"}));
  EXPECT_EQ(fires("0 3 * * *", kLuxembourg, "2025-10-26T02:30:00+02:00", 1),
            (V{"2025-10-26T03:00:00+01:00"}));
}

TEST(CronFallBack, HalfHourRepeat) {
  EXPECT_EQ(
      fires("*/10 1 * * *", kLordHowe, "2026-04-05T01:15:00+11:00", 8),
      (V{"2026-04-05T01:20:00+11:00", "2026-04-05T01:30:00+11:00", "2026-04-05T01:40:00+11:00",
         "2026-04-05T01:50:00+11:00", "2026-04-05T01:30:00+10:30", "2026-04-05T01:40:00+10:30",
         "2026-04-05T01:50:00+10:30", "2026-04-06T01:00:00+10:30"}));
}

TEST(CronTimeZones, DailyTimesFollowTheWallClockAcrossChanges) {
  EXPECT_EQ(fires("0 9 * * *", kLuxembourg, "2025-03-29T10:00:00+01:00", 2),
            (V{"2025-03-30T09:00:00+02:00", "2025-03-31T09:00:00+02:00"}));
  EXPECT_EQ(fires("0 9 * * *", kNewYork, "2025-11-01T10:00:00-04:00", 2),
            (V{"2025-11-02T09:00:00-05:00", "2025-11-03T09:00:00-05:00"}));
  EXPECT_EQ(fires("0 0 1 * *", "Asia/Kolkata", "2025-06-15T00:00:00+05:30", 1),
            (V{"2025-07-01T00:00:00+05:30"}));
}

}  // namespace
}  // namespace wasmfaas::triggers
