#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "triggers/cron_expression.h"
#include "triggers/time_zone.h"

namespace wasmfaas::triggers::testing {

// An instant written as local time with its offset, "2025-03-30T01:15:00+01:00".
inline std::chrono::sys_seconds instant(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offset_hours = 0,
      offset_minutes = 0;
  char sign = '+';
  const std::string copy(text);
  const int read = std::sscanf(copy.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &year, &month, &day, &hour,
                               &minute, &second, &sign, &offset_hours, &offset_minutes);
  EXPECT_EQ(read, 9) << text;
  using namespace std::chrono;
  const seconds offset = (sign == '-' ? -1 : 1) * (hours{offset_hours} + minutes{offset_minutes});
  const local_seconds local = local_days{std::chrono::year{year} / month / day} + hours{hour} +
                              minutes{minute} + seconds{second};
  return sys_seconds{local.time_since_epoch() - offset};
}

// `time` as local time in `zone` with the offset, in the format instant() reads.
inline std::string local_text(std::chrono::sys_seconds time, const TimeZone& zone) {
  using namespace std::chrono;
  const ZonedTime local = zone.to_local(time);
  const local_days day = floor<days>(local.local);
  const year_month_day date{day};
  const hh_mm_ss clock{local.local - day};
  const long offset = local.offset.count();
  const long magnitude = offset < 0 ? -offset : offset;
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ld%c%02ld:%02ld",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long>(clock.hours().count()),
                static_cast<long>(clock.minutes().count()),
                static_cast<long>(clock.seconds().count()), offset < 0 ? '-' : '+',
                magnitude / 3600, magnitude % 3600 / 60);
  return text;
}

inline TimeZone zone(std::string_view name) {
  auto found = TimeZone::find(name);
  if (!found) ADD_FAILURE() << found.error().message;
  return found ? *found : *TimeZone::find("UTC");
}

inline CronExpression cron(std::string_view text) {
  auto parsed = CronExpression::parse(text);
  if (!parsed) ADD_FAILURE() << text << ": " << parsed.error().message;
  return parsed ? *parsed : *CronExpression::parse("* * * * *");
}

// The next `count` fire times of `expression` after `start`, each strictly
// after the one before, as local times in `zone_name` ("none" ends the list).
inline std::vector<std::string> fires(std::string_view expression, std::string_view zone_name,
                                      std::string_view start, int count) {
  const TimeZone in = zone(zone_name);
  const CronExpression parsed = cron(expression);
  std::vector<std::string> result;
  std::chrono::sys_seconds at = instant(start);
  for (int i = 0; i < count; ++i) {
    const auto next = parsed.next_after(at, in);
    if (!next) {
      result.push_back("none");
      break;
    }
    result.push_back(local_text(*next, in));
    at = *next;
  }
  return result;
}

}  // namespace wasmfaas::triggers::testing
