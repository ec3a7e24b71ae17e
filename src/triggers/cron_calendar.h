#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace wasmfaas::triggers {

// The wall-clock times a cron expression (or one half of its day-of-month OR
// day-of-week rule) matches: a time matches when its second, minute, hour,
// day of the month, month and day of the week are all in their sets. Knows
// nothing of time zones. A plain value.
struct CronCalendar {
  uint64_t seconds = 1;        // bits 0-59 (only second 0 for five fields)
  uint64_t minutes = 0;        // bits 0-59
  uint32_t hours = 0;          // bits 0-23
  uint32_t days_of_month = 0;  // bits 1-31
  uint16_t months = 0;         // bits 1-12
  uint8_t days_of_week = 0;    // bits 0-6, Sunday 0

  // The first matching wall-clock time at or after `start`, or nullopt when
  // there is none up to the end of `last_year`. Skips whole months, days,
  // hours and minutes that cannot match.
  std::optional<std::chrono::local_seconds> first_at_or_after(std::chrono::local_seconds start,
                                                              int last_year) const;
};

}  // namespace wasmfaas::triggers
