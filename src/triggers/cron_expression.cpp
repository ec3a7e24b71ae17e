#include "triggers/cron_expression.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "triggers/cron_field.h"
#include "triggers/quoted.h"

namespace wasmfaas::triggers {

namespace {

using std::chrono::local_seconds;
using std::chrono::sys_seconds;

// Long enough for Feb 29 across 2100 (2096 -> 2104).
constexpr int kSearchYears = 8;

// The instants next_after takes: years 1 to 9999 (UTC).
constexpr sys_seconds kFirstInstant{std::chrono::sys_days{std::chrono::year{1} / 1 / 1}};
constexpr sys_seconds kLastInstant{std::chrono::sys_days{std::chrono::year{10000} / 1 / 1} -
                                   std::chrono::seconds{1}};

constexpr uint64_t kAllDaysOfMonth = 0xFFFFFFFEu;  // bits 1-31
constexpr uint64_t kAllDaysOfWeek = 0x7F;          // bits 0-6
constexpr uint64_t kAllHours = 0xFFFFFF;           // bits 0-23

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kMacros = {{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && is_blank(text[at])) ++at;
    const size_t start = at;
    while (at < text.size() && !is_blank(text[at])) ++at;
    if (at > start) fields.push_back(text.substr(start, at - start));
  }
  return fields;
}

Result<std::string_view> expand_macro(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [name, expansion] : kMacros) {
    if (lower == name) return expansion;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown cron macro " + quoted(text) +
                        " (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight "
                        "or @hourly)");
}

// Whether a day field counts as restricted for the day-of-month OR
// day-of-week rule, as croniter decides it (see the class comment).
bool is_restricted(const CronField& field, uint64_t all_values, std::string_view other_text) {
  if (field.has_wildcard) return false;
  return field.values != all_values || other_text.find('*') == std::string_view::npos;
}

// Where the instant a wall-clock time stands for lies: its instant and UTC
// offset, and whether the time exists (false: it was moved past a gap).
struct Placement {
  sys_seconds instant;
  std::chrono::seconds offset;
  bool exists;
};

// croniter's placing of a wall-clock time found after `now`: of two
// instants the earlier one that is after `now`; a skipped time moves
// forward by whole minutes until the wall clock shows it.
Placement place(local_seconds wall, sys_seconds now, const TimeZone& zone) {
  const LocalTimeLookup lookup = zone.to_sys(wall);
  switch (lookup.kind) {
    case LocalTimeLookup::Kind::kRepeated: {
      const sys_seconds chosen = lookup.earlier > now ? lookup.earlier : lookup.later;
      return Placement{chosen, wall.time_since_epoch() - chosen.time_since_epoch(), true};
    }
    case LocalTimeLookup::Kind::kSkipped: {
      const ZonedTime gap_end = zone.to_local(lookup.later);
      const auto minutes_to_end = std::chrono::ceil<std::chrono::minutes>(gap_end.local - wall);
      const local_seconds moved = wall + minutes_to_end;
      return Placement{sys_seconds{moved.time_since_epoch() - gap_end.offset}, gap_end.offset,
                       false};
    }
    case LocalTimeLookup::Kind::kUnique:
      break;
  }
  return Placement{lookup.earlier, wall.time_since_epoch() - lookup.earlier.time_since_epoch(),
                   true};
}

}  // namespace

Result<CronExpression> CronExpression::parse(std::string_view text) {
  text = trim(text);
  CronExpression expression;
  expression.text_ = std::string(text);
  if (text.empty()) return make_error(ErrorCode::kInvalidArgument, "empty cron expression");
  if (text.front() == '@') {
    auto expanded = expand_macro(text);
    if (!expanded) return std::unexpected(expanded.error());
    text = *expanded;
  }
  const std::vector<std::string_view> texts = split_fields(text);
  if (texts.size() != 5 && texts.size() != 6) {
    return make_error(ErrorCode::kInvalidArgument,
                      "cron expression " + quoted(text) + " has " + std::to_string(texts.size()) +
                          " fields; expected 5 (minute hour day-of-month month day-of-week) "
                          "or 6 (second first)");
  }
  expression.has_seconds_ = texts.size() == 6;
  const size_t first = expression.has_seconds_ ? 0 : 1;
  std::array<CronField, 6> fields;
  fields[0].values = 1;  // second 0 when there is no seconds field
  for (size_t index = first; index < 6; ++index) {
    auto field = parse_cron_field(texts[index - first], static_cast<CronFieldKind>(index));
    if (!field) return std::unexpected(field.error());
    fields[index] = *field;
  }
  const auto& [seconds, minutes, hours, days_of_month, months, days_of_week] = fields;
  const std::string_view day_of_month_text = texts[3 - first];
  const std::string_view day_of_week_text = texts[5 - first];

  const CronCalendar both{seconds.values,
                          minutes.values,
                          static_cast<uint32_t>(hours.values),
                          static_cast<uint32_t>(days_of_month.values),
                          static_cast<uint16_t>(months.values),
                          static_cast<uint8_t>(days_of_week.values)};
  expression.every_hour_ = hours.values == kAllHours;
  if (is_restricted(days_of_month, kAllDaysOfMonth, day_of_week_text) &&
      is_restricted(days_of_week, kAllDaysOfWeek, day_of_month_text)) {
    CronCalendar by_day_of_month = both;
    by_day_of_month.days_of_week = kAllDaysOfWeek;
    CronCalendar by_day_of_week = both;
    by_day_of_week.days_of_month = kAllDaysOfMonth;
    expression.calendars_ = {by_day_of_month, by_day_of_week};
  } else {
    expression.calendars_ = {both};
  }
  return expression;
}

std::optional<sys_seconds> CronExpression::next_after(sys_seconds instant,
                                                      const TimeZone& zone) const {
  if (instant < kFirstInstant || instant > kLastInstant) return std::nullopt;
  std::optional<sys_seconds> earliest;
  for (const CronCalendar& calendar : calendars_) {
    const std::optional<sys_seconds> next = next_in(calendar, instant, zone);
    if (next && (!earliest || *next < *earliest)) earliest = next;
  }
  return earliest;
}

// croniter's search (croniter._calc): walk the wall clock from just after
// `now`; place the first match; when it was skipped and either the hour
// field is every hour or its moved time is not after `now`, take the next
// match that exists instead. When the UTC offset differs from now's, also
// walk from now's wall clock shifted by the difference and keep the earlier
// of the two (this is what fires a repeated wall-clock time twice).
std::optional<sys_seconds> CronExpression::next_in(const CronCalendar& calendar, sys_seconds now,
                                                   const TimeZone& zone) const {
  const ZonedTime start = zone.to_local(now);
  const int last_year =
      static_cast<int>(
          std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(start.local)}.year()) +
      kSearchYears;
  // The first match after `wall`: from its next second or minute.
  const auto match_after = [&](local_seconds wall) {
    const local_seconds from =
        has_seconds_ ? wall + std::chrono::seconds{1}
                     : std::chrono::floor<std::chrono::minutes>(wall + std::chrono::minutes{1});
    return calendar.first_at_or_after(from, last_year);
  };

  std::optional<local_seconds> wall = match_after(start.local);
  if (!wall) return std::nullopt;
  Placement found = place(*wall, now, zone);
  if (!found.exists && (every_hour_ || found.instant <= now)) {
    while (!found.exists) {
      wall = match_after(*wall);
      if (!wall) return std::nullopt;
      found = place(*wall, now, zone);
    }
  }
  if (found.offset == start.offset) return found.instant;

  const std::optional<local_seconds> other_wall =
      match_after(start.local + (found.offset - start.offset));
  if (!other_wall) return found.instant;
  const Placement other = place(*other_wall, now, zone);
  if (!other.exists || other.instant <= now) return found.instant;
  return std::min(found.instant, other.instant);
}

}  // namespace wasmfaas::triggers
