#include "triggers/time_zone.h"

#include <gtest/gtest.h>

#include <chrono>

namespace wasmfaas::triggers {
namespace {

using namespace std::chrono;

sys_seconds utc(year_month_day date, hours h, minutes m = minutes{0}) {
  return sys_days{date} + h + m;
}
local_seconds wall(year_month_day date, hours h, minutes m = minutes{0}) {
  return local_days{date} + h + m;
}

TimeZone zone(std::string_view name) {
  auto found = TimeZone::find(name);
  EXPECT_TRUE(found.has_value()) << name;
  return *found;
}

TEST(TimeZone, FindsIanaNamesAndLinks) {
  for (std::string_view name : {"UTC", "Etc/UTC", "Europe/Luxembourg", "America/New_York",
                                "Australia/Lord_Howe", "US/Eastern"}) {
    auto found = TimeZone::find(name);
    ASSERT_TRUE(found.has_value()) << name;
    EXPECT_EQ(found->name(), name);
  }
}

TEST(TimeZone, UnknownNameIsInvalidArgumentNamingIt) {
  for (std::string_view name :
       {"Europe/Atlantis", "", "europe/luxembourg", "../../etc/passwd", "UTC+1"}) {
    auto found = TimeZone::find(name);
    ASSERT_FALSE(found.has_value()) << name;
    EXPECT_EQ(found.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(found.error().message.find("'" + std::string(name) + "'"), std::string::npos)
        << found.error().message;
  }
}

TEST(TimeZone, UnknownNameIsShownAsPrintableAscii) {
  auto found = TimeZone::find("Europe/\xC3\x28");
  ASSERT_FALSE(found.has_value());
  EXPECT_NE(found.error().message.find("'Europe/\\xC3('"), std::string::npos)
      << found.error().message;
}

TEST(TimeZone, ToLocalAppliesTheOffsetInForce) {
  const TimeZone luxembourg = zone("Europe/Luxembourg");
  const ZonedTime winter = luxembourg.to_local(utc(2025y / January / 15, 12h));
  EXPECT_EQ(winter.local, wall(2025y / January / 15, 13h));
  EXPECT_EQ(winter.offset, 1h);
  const ZonedTime summer = luxembourg.to_local(utc(2025y / July / 15, 12h));
  EXPECT_EQ(summer.local, wall(2025y / July / 15, 14h));
  EXPECT_EQ(summer.offset, 2h);
  const ZonedTime new_york = zone("America/New_York").to_local(utc(2025y / July / 15, 12h));
  EXPECT_EQ(new_york.offset, -4h);
  const ZonedTime lord_howe = zone("Australia/Lord_Howe").to_local(utc(2025y / July / 15, 0h));
  EXPECT_EQ(lord_howe.offset, 10h + 30min);
}

TEST(TimeZone, ToSysUniqueTime) {
  const LocalTimeLookup lookup =
      zone("Europe/Luxembourg").to_sys(wall(2025y / March / 30, 1h, 30min));
  EXPECT_EQ(lookup.kind, LocalTimeLookup::Kind::kUnique);
  EXPECT_EQ(lookup.earlier, utc(2025y / March / 30, 0h, 30min));
  EXPECT_EQ(lookup.later, lookup.earlier);
}

TEST(TimeZone, ToSysSkippedTimeGivesTheJump) {
  // 2025-03-30 02:00 CET the clocks jump to 03:00 CEST (01:00 UTC).
  const LocalTimeLookup lookup =
      zone("Europe/Luxembourg").to_sys(wall(2025y / March / 30, 2h, 30min));
  EXPECT_EQ(lookup.kind, LocalTimeLookup::Kind::kSkipped);
  EXPECT_EQ(lookup.earlier, utc(2025y / March / 30, 1h));
  EXPECT_EQ(lookup.later, utc(2025y / March / 30, 1h));
}

TEST(TimeZone, ToSysRepeatedTimeGivesBothInstants) {
  // 2025-11-02 02:00 EDT the clocks fall back to 01:00 EST.
  const LocalTimeLookup lookup =
      zone("America/New_York").to_sys(wall(2025y / November / 2, 1h, 30min));
  EXPECT_EQ(lookup.kind, LocalTimeLookup::Kind::kRepeated);
  EXPECT_EQ(lookup.earlier, utc(2025y / November / 2, 5h, 30min));
  EXPECT_EQ(lookup.later, utc(2025y / November / 2, 6h, 30min));
}

TEST(TimeZone, HalfHourDaylightSavingTime) {
  // Lord Howe Island moves its clocks by 30 minutes: 02:00 -> 02:30 in October.
  const TimeZone lord_howe = zone("Australia/Lord_Howe");
  const LocalTimeLookup skipped = lord_howe.to_sys(wall(2025y / October / 5, 2h, 15min));
  EXPECT_EQ(skipped.kind, LocalTimeLookup::Kind::kSkipped);
  EXPECT_EQ(lord_howe.to_local(skipped.later).local, wall(2025y / October / 5, 2h, 30min));
  const LocalTimeLookup repeated = lord_howe.to_sys(wall(2026y / April / 5, 1h, 45min));
  EXPECT_EQ(repeated.kind, LocalTimeLookup::Kind::kRepeated);
  EXPECT_EQ(repeated.later - repeated.earlier, 30min);
}

TEST(TimeZone, CopiesShareTheZone) {
  const TimeZone original = zone("Asia/Kolkata");
  const TimeZone copy = original;
  EXPECT_EQ(copy.name(), "Asia/Kolkata");
  EXPECT_EQ(copy.to_local(utc(2025y / June / 1, 0h)).offset, 5h + 30min);
}

}  // namespace
}  // namespace wasmfaas::triggers
