// next_after in UTC: each syntax element, the day rules, leap years, the
// bounded search.
#include <gtest/gtest.h>

#include "unit/triggers/cron_test_support.h"

namespace wasmfaas::triggers {
namespace {

using testing::fires;
using V = std::vector<std::string>;

constexpr std::string_view kUtc = "UTC";

TEST(CronNext, EveryMinuteStartsAtTheNextWholeMinute) {
  EXPECT_EQ(fires("* * * * *", kUtc, "2025-06-01T10:00:00+00:00", 2),
            (V{"2025-06-01T10:01:00+00:00", "2025-06-01T10:02:00+00:00"}));
  EXPECT_EQ(fires("* * * * *", kUtc, "2025-06-01T10:00:59+00:00", 1),
            (V{"2025-06-01T10:01:00+00:00"}));
}

TEST(CronNext, StrictlyAfterTheInstant) {
  EXPECT_EQ(fires("30 10 * * *", kUtc, "2025-06-01T10:30:00+00:00", 1),
            (V{"2025-06-02T10:30:00+00:00"}));
  EXPECT_EQ(fires("30 10 * * *", kUtc, "2025-06-01T10:29:59+00:00", 1),
            (V{"2025-06-01T10:30:00+00:00"}));
}

TEST(CronNext, ListsRangesAndSteps) {
  EXPECT_EQ(fires("0,20,40 * * * *", kUtc, "2025-06-01T10:15:00+00:00", 4),
            (V{"2025-06-01T10:20:00+00:00", "2025-06-01T10:40:00+00:00",
               "2025-06-01T11:00:00+00:00", "2025-06-01T11:20:00+00:00"}));
  EXPECT_EQ(
      fires("*/15 9-10 * * *", kUtc, "2025-06-01T10:40:00+00:00", 3),
      (V{"2025-06-01T10:45:00+00:00", "2025-06-02T09:00:00+00:00", "2025-06-02T09:15:00+00:00"}));
  EXPECT_EQ(
      fires("5/20 1-5/2 * * *", kUtc, "2025-06-01T00:00:00+00:00", 5),
      (V{"2025-06-01T01:05:00+00:00", "2025-06-01T01:25:00+00:00", "2025-06-01T01:45:00+00:00",
         "2025-06-01T03:05:00+00:00", "2025-06-01T03:25:00+00:00"}));
}

TEST(CronNext, MonthsByNameSkipWholeMonths) {
  EXPECT_EQ(
      fires("0 12 1 jan,Jul *", kUtc, "2025-02-10T00:00:00+00:00", 3),
      (V{"2025-07-01T12:00:00+00:00", "2026-01-01T12:00:00+00:00", "2026-07-01T12:00:00+00:00"}));
}

TEST(CronNext, DaysOfWeek) {
  // 2025-06-01 is a Sunday.
  EXPECT_EQ(
      fires("0 9 * * MON-FRI", kUtc, "2025-06-01T00:00:00+00:00", 6),
      (V{"2025-06-02T09:00:00+00:00", "2025-06-03T09:00:00+00:00", "2025-06-04T09:00:00+00:00",
         "2025-06-05T09:00:00+00:00", "2025-06-06T09:00:00+00:00", "2025-06-09T09:00:00+00:00"}));
  // 0 and 7 are both Sunday.
  EXPECT_EQ(fires("0 0 * * 7", kUtc, "2025-06-02T00:00:00+00:00", 1),
            (V{"2025-06-08T00:00:00+00:00"}));
  EXPECT_EQ(fires("0 0 * * 0", kUtc, "2025-06-02T00:00:00+00:00", 1),
            (V{"2025-06-08T00:00:00+00:00"}));
  EXPECT_EQ(
      fires("0 0 * * fri-sun", kUtc, "2025-06-02T00:00:00+00:00", 3),
      (V{"2025-06-06T00:00:00+00:00", "2025-06-07T00:00:00+00:00", "2025-06-08T00:00:00+00:00"}));
}

TEST(CronNext, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // The 13th and every Friday: Fri 2025-06-06, Fri 06-13 (both), Fri 06-20.
  EXPECT_EQ(fires("0 0 13 * FRI", kUtc, "2025-06-01T00:00:00+00:00", 4),
            (V{"2025-06-06T00:00:00+00:00", "2025-06-13T00:00:00+00:00",
               "2025-06-20T00:00:00+00:00", "2025-06-27T00:00:00+00:00"}));
  EXPECT_EQ(fires("0 0 10-11 * 3", kUtc, "2025-06-01T00:00:00+00:00", 4),
            (V{"2025-06-04T00:00:00+00:00", "2025-06-10T00:00:00+00:00",
               "2025-06-11T00:00:00+00:00", "2025-06-18T00:00:00+00:00"}));
  // croniter: */2 counts as restricted (Vixie cron would AND it).
  EXPECT_EQ(fires("0 0 */10 * MON", kUtc, "2025-06-01T00:00:00+00:00", 4),
            (V{"2025-06-02T00:00:00+00:00", "2025-06-09T00:00:00+00:00",
               "2025-06-11T00:00:00+00:00", "2025-06-16T00:00:00+00:00"}));
  // A full day-of-month list with a day-of-week without '*': every day.
  EXPECT_EQ(fires("0 0 1-31 * MON", kUtc, "2025-06-01T00:00:00+00:00", 2),
            (V{"2025-06-02T00:00:00+00:00", "2025-06-03T00:00:00+00:00"}));
}

TEST(CronNext, BothDayFieldsMustMatchWhenOneIsUnrestricted) {
  EXPECT_EQ(fires("0 0 * * MON", kUtc, "2025-06-01T00:00:00+00:00", 2),
            (V{"2025-06-02T00:00:00+00:00", "2025-06-09T00:00:00+00:00"}));
  EXPECT_EQ(fires("0 0 13 * ?", kUtc, "2025-06-01T00:00:00+00:00", 2),
            (V{"2025-06-13T00:00:00+00:00", "2025-07-13T00:00:00+00:00"}));
  // A full day-of-month list beside a day-of-week with '*' counts as '*'.
  EXPECT_EQ(
      fires("0 0 1-31 * */3", kUtc, "2025-05-31T12:00:00+00:00", 3),
      (V{"2025-06-01T00:00:00+00:00", "2025-06-04T00:00:00+00:00", "2025-06-07T00:00:00+00:00"}));
}

TEST(CronNext, Seconds) {
  EXPECT_EQ(fires("*/20 * * * * *", kUtc, "2025-06-01T10:00:00+00:00", 4),
            (V{"2025-06-01T10:00:20+00:00", "2025-06-01T10:00:40+00:00",
               "2025-06-01T10:01:00+00:00", "2025-06-01T10:01:20+00:00"}));
  EXPECT_EQ(
      fires("15,45 30 9 * * *", kUtc, "2025-06-01T09:30:15+00:00", 3),
      (V{"2025-06-01T09:30:45+00:00", "2025-06-02T09:30:15+00:00", "2025-06-02T09:30:45+00:00"}));
  EXPECT_EQ(fires("0 0 0 1 1 *", kUtc, "2025-06-01T00:00:00+00:00", 1),
            (V{"2026-01-01T00:00:00+00:00"}));
}

TEST(CronNext, Macros) {
  const std::string_view start = "2025-06-11T10:17:00+00:00";  // a Wednesday
  EXPECT_EQ(fires("@yearly", kUtc, start, 1), (V{"2026-01-01T00:00:00+00:00"}));
  EXPECT_EQ(fires("@annually", kUtc, start, 1), (V{"2026-01-01T00:00:00+00:00"}));
  EXPECT_EQ(fires("@monthly", kUtc, start, 1), (V{"2025-07-01T00:00:00+00:00"}));
  EXPECT_EQ(fires("@weekly", kUtc, start, 1), (V{"2025-06-15T00:00:00+00:00"}));
  EXPECT_EQ(fires("@daily", kUtc, start, 1), (V{"2025-06-12T00:00:00+00:00"}));
  EXPECT_EQ(fires("@midnight", kUtc, start, 1), (V{"2025-06-12T00:00:00+00:00"}));
  EXPECT_EQ(fires("@hourly", kUtc, start, 1), (V{"2025-06-11T11:00:00+00:00"}));
}

TEST(CronNext, ShortMonthsAreSkipped) {
  EXPECT_EQ(fires("0 0 31 * *", kUtc, "2025-01-31T00:00:00+00:00", 4),
            (V{"2025-03-31T00:00:00+00:00", "2025-05-31T00:00:00+00:00",
               "2025-07-31T00:00:00+00:00", "2025-08-31T00:00:00+00:00"}));
  EXPECT_EQ(fires("0 0 30 * *", kUtc, "2025-01-30T00:00:00+00:00", 2),
            (V{"2025-03-30T00:00:00+00:00", "2025-04-30T00:00:00+00:00"}));
}

TEST(CronNext, LeapYears) {
  EXPECT_EQ(
      fires("0 0 29 2 *", kUtc, "2025-01-01T00:00:00+00:00", 3),
      (V{"2028-02-29T00:00:00+00:00", "2032-02-29T00:00:00+00:00", "2036-02-29T00:00:00+00:00"}));
  // 2000 was a leap year (divisible by 400).
  EXPECT_EQ(fires("0 0 29 FEB *", kUtc, "1997-03-01T00:00:00+00:00", 2),
            (V{"2000-02-29T00:00:00+00:00", "2004-02-29T00:00:00+00:00"}));
  // 2100 is not: eight years between 2096 and 2104, still found.
  EXPECT_EQ(fires("0 0 29 2 *", kUtc, "2096-03-01T00:00:00+00:00", 1),
            (V{"2104-02-29T00:00:00+00:00"}));
  // The last day of February, in leap and common years.
  EXPECT_EQ(
      fires("0 0 28,29 2 *", kUtc, "2027-02-28T00:00:00+00:00", 3),
      (V{"2028-02-28T00:00:00+00:00", "2028-02-29T00:00:00+00:00", "2029-02-28T00:00:00+00:00"}));
  // Feb 29 or a Monday: the Mondays still fire in common years.
  EXPECT_EQ(fires("0 0 29 2 MON", kUtc, "2027-02-20T00:00:00+00:00", 2),
            (V{"2027-02-22T00:00:00+00:00", "2028-02-07T00:00:00+00:00"}));
}

TEST(CronNext, ImpossibleDatesGiveNothing) {
  EXPECT_EQ(fires("0 0 30 2 *", kUtc, "2025-01-01T00:00:00+00:00", 1), (V{"none"}));
  EXPECT_EQ(fires("0 0 31 4,6,9,11 *", kUtc, "2025-01-01T00:00:00+00:00", 1), (V{"none"}));
  EXPECT_EQ(fires("0 0 0 31 2 ?", kUtc, "2025-01-01T00:00:00+00:00", 1), (V{"none"}));
  // Feb 30 or Sunday: the Sundays of February.
  EXPECT_EQ(fires("0 0 30 2 SUN", kUtc, "2025-01-01T00:00:00+00:00", 2),
            (V{"2025-02-02T00:00:00+00:00", "2025-02-09T00:00:00+00:00"}));
}

TEST(CronNext, FarPastAndFuture) {
  EXPECT_EQ(fires("0 0 1 1 *", kUtc, "1969-12-31T23:59:59+00:00", 1),
            (V{"1970-01-01T00:00:00+00:00"}));
  EXPECT_EQ(fires("59 23 31 12 *", kUtc, "9998-06-01T00:00:00+00:00", 1),
            (V{"9998-12-31T23:59:00+00:00"}));
  EXPECT_EQ(fires("* * * * *", kUtc, "9999-12-31T23:59:59+00:00", 1),
            (V{"10000-01-01T00:00:00+00:00"}));
}

TEST(CronNext, InstantsOutsideYearsOneTo9999GiveNothing) {
  const CronExpression every_minute = testing::cron("* * * * *");
  const TimeZone utc = testing::zone("UTC");
  using std::chrono::seconds;
  using std::chrono::sys_seconds;
  EXPECT_FALSE(every_minute.next_after(sys_seconds::max(), utc).has_value());
  EXPECT_FALSE(every_minute.next_after(sys_seconds::min(), utc).has_value());
  EXPECT_FALSE(every_minute.next_after(testing::instant("10000-01-01T00:00:00+00:00"), utc));
  EXPECT_FALSE(every_minute.next_after(testing::instant("0000-12-31T23:59:59+00:00"), utc));
  EXPECT_TRUE(every_minute.next_after(testing::instant("0001-01-01T00:00:00+00:00"), utc));
}

}  // namespace
}  // namespace wasmfaas::triggers
