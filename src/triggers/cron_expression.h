#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "triggers/cron_calendar.h"
#include "triggers/time_zone.h"

namespace wasmfaas::triggers {

// A cron expression, parsed, and its fire times in a time zone. Its
// next_after agrees with croniter 7.0.0 (day_or=True, seconds first), which
// tests/unit/triggers/croniter_oracle.py checks on thousands of random cases.
//
// Syntax. Five fields, `minute hour day-of-month month day-of-week`, or six
// with a seconds field first (as in Quartz and Spin): `second minute hour
// day-of-month month day-of-week`. Each field is a comma-separated list of
//   *        every value          N      one value
//   A-B      A to B               */S    every S-th value from the first
//   A-B/S    every S-th from A    A/S    every S-th from A to the field's end
// Values: seconds and minutes 0-59, hours 0-23, days 1-31, months 1-12 or
// JAN-DEC, days of the week 0-7 or SUN-SAT (0 and 7 are Sunday); names are
// case-insensitive. Ranges run upwards, except that a day-of-week range may
// end at SUN (`FRI-SUN` is `FRI-7`). `A/S` runs to 59, 23, 31, 12 or 6 (SAT).
// `?` alone means `*` in day-of-month and day-of-week. Macros: @yearly and
// @annually (`0 0 1 1 *`), @monthly (`0 0 1 * *`), @weekly (`0 0 * * 0`),
// @daily and @midnight (`0 0 * * *`), @hourly (`0 * * * *`). Not supported:
// L, W, #, H, a year field, @reboot.
//
// Days. When day-of-month and day-of-week are both restricted, a day matches
// when either matches (`0 0 13 * FRI`: every 13th and every Friday);
// otherwise both must. Like croniter (and unlike Vixie cron, where a field
// that starts with `*` never counts as restricted), a field is unrestricted
// only when it has a bare `*` or `?` element, or when it covers every value
// and the other field's text contains `*`: so `0 0 */2 * MON` fires on odd
// days and on Mondays.
//
// Where it deliberately differs from croniter: an equal range `5-5` is the
// value 5 (croniter: the whole field), and a backwards range (`50-10`,
// `NOV-FEB`) is an error (croniter wraps it around).
//
// Time zones. The fields are matched against the zone's wall clock, from
// the first whole second (six fields) or minute (five) after the instant:
//  - a wall-clock time the clock shows twice (fall back) fires at both
//    instants: `30 1 * * *` in America/New_York fires on 2025-11-02 at
//    01:30 EDT and again at 01:30 EST, and `0 * * * *` at 01:00 EDT,
//    01:00 EST, then 02:00 EST;
//  - a wall-clock time the clock skips (spring forward) never fires when the
//    hour field is every hour (`30 * * * *` in Europe/Luxembourg on
//    2025-03-30: 01:30 CET, then 03:30 CEST); otherwise the first skipped
//    tick fires once, moved forward by whole minutes to the end of the gap
//    (`30 2 * * *` fires at 03:00 CEST that day, `15 30 2 * * *` at
//    03:00:15), and the other ticks in the gap do not fire.
// These are croniter's rules. The search gives up after eight years of wall
// clock (Feb 29 schedules wait up to eight years across 2100): next_after
// returns nullopt, as for `0 0 30 2 *`.
//
// An immutable value; thread-safe.
class CronExpression {
 public:
  // kInvalidArgument naming the field and the bad element, e.g.
  // "cron day-of-week field 'MON-FRX': unknown day 'FRX' (SUN-SAT or 0-7)".
  static Result<CronExpression> parse(std::string_view text);

  // The first fire time strictly after `instant` in `zone`, or nullopt when
  // there is none within eight years or `instant` is outside the years
  // 1-9999 (UTC).
  std::optional<std::chrono::sys_seconds> next_after(std::chrono::sys_seconds instant,
                                                     const TimeZone& zone) const;

  // The text it was parsed from, without surrounding whitespace.
  const std::string& text() const { return text_; }

 private:
  CronExpression() = default;

  std::optional<std::chrono::sys_seconds> next_in(const CronCalendar& calendar,
                                                  std::chrono::sys_seconds instant,
                                                  const TimeZone& zone) const;

  std::string text_;
  bool has_seconds_ = false;
  // Whether the hour field covers all 24 hours (skipped ticks never fire).
  bool every_hour_ = false;
  // One calendar, or two when the day-of-month OR day-of-week rule applies
  // (one matching by day of the month, one by day of the week).
  std::vector<CronCalendar> calendars_;
};

}  // namespace wasmfaas::triggers
