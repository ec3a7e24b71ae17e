#pragma once

#include <cstdint>
#include <string_view>

#include "common/error.h"

namespace wasmfaas::triggers {

// The fields of a cron expression, in the order they are written (the
// seconds field is optional and comes first).
enum class CronFieldKind { kSecond, kMinute, kHour, kDayOfMonth, kMonth, kDayOfWeek };

// "second", "minute", "hour", "day-of-month", "month", "day-of-week".
std::string_view field_name(CronFieldKind kind);

// One parsed field: the values it matches, as bits (bit v set: value v
// matches; day-of-week uses bits 0-6, Sunday 0). A plain value.
struct CronField {
  uint64_t values = 0;
  // Whether the text has a bare `*` (or `?`) element, as in `*` or `*,5`;
  // `*/2` does not count.
  bool has_wildcard = false;
};

// Parses the text of one field: a comma-separated list of `*`, `N`, `A-B`,
// `*/S`, `A-B/S` or `A/S` (A up to the field's end), numbers or, in month and
// day-of-week, three-letter names (case-insensitive). `?` alone means `*` in
// day-of-month and day-of-week. Ranges run upwards (`5-3` is an error), with
// one exception: in day-of-week a range may end at Sunday written `SUN`
// (`FRI-SUN`), or at 7, which is Sunday as well as 0. kInvalidArgument naming
// the field and the bad element otherwise.
Result<CronField> parse_cron_field(std::string_view text, CronFieldKind kind);

}  // namespace wasmfaas::triggers
