#include "triggers/cron_calendar.h"

#include <bit>

namespace wasmfaas::triggers {

namespace {

// The smallest set bit of `bits` at or above `from`, or -1.
int next_bit(uint64_t bits, int from) {
  if (from >= 64) return -1;
  const uint64_t rest = bits & (~uint64_t{0} << from);
  return rest == 0 ? -1 : std::countr_zero(rest);
}

// A wall-clock reading as fields. A field may run one past its end (month
// 13, hour 24); the search then carries it into the next larger field.
struct WallClockFields {
  int year;
  int month;
  int day;
  int hour;
  int minute;
  int second;

  void start_month(int value) {
    month = value;
    day = 1;
    start_hour(0);
  }
  void start_day(int value) {
    day = value;
    start_hour(0);
  }
  void start_hour(int value) {
    hour = value;
    start_minute(0);
  }
  void start_minute(int value) {
    minute = value;
    second = 0;
  }
  void next_year() {
    ++year;
    start_month(1);
  }
  void next_month() { start_month(month + 1); }
  void next_day() { start_day(day + 1); }
  void next_hour() { start_hour(hour + 1); }
  void next_minute() { start_minute(minute + 1); }

  std::chrono::local_days date() const {
    return std::chrono::local_days{std::chrono::year{year} / month / day};
  }
};

WallClockFields fields_of(std::chrono::local_seconds time) {
  using namespace std::chrono;
  const local_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  return WallClockFields{static_cast<int>(date.year()),
                         static_cast<int>(static_cast<unsigned>(date.month())),
                         static_cast<int>(static_cast<unsigned>(date.day())),
                         static_cast<int>(clock.hours().count()),
                         static_cast<int>(clock.minutes().count()),
                         static_cast<int>(clock.seconds().count())};
}

int last_day_of(int year, int month) {
  using namespace std::chrono;
  const year_month_day_last last{std::chrono::year{year} / month / std::chrono::last};
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

}  // namespace

std::optional<std::chrono::local_seconds> CronCalendar::first_at_or_after(
    std::chrono::local_seconds start, int last_year) const {
  WallClockFields at = fields_of(start);
  // Each pass settles the fields from the largest down: a field that matches
  // stays, one that does not moves to its next candidate (resetting the
  // smaller ones) or, when there is none, carries into the larger field and
  // the pass starts over.
  while (at.year <= last_year) {
    const int month = next_bit(months, at.month);
    if (month < 0) {
      at.next_year();
      continue;
    }
    if (month != at.month) at.start_month(month);

    const int last_day = last_day_of(at.year, at.month);
    int day = next_bit(days_of_month, at.day);
    while (day > 0 && day <= last_day) {
      const std::chrono::local_days date{std::chrono::year{at.year} / at.month / day};
      if ((days_of_week >> std::chrono::weekday{date}.c_encoding()) & 1) break;
      day = next_bit(days_of_month, day + 1);
    }
    if (day < 0 || day > last_day) {
      at.next_month();
      continue;
    }
    if (day != at.day) at.start_day(day);

    const int hour = next_bit(hours, at.hour);
    if (hour < 0) {
      at.next_day();
      continue;
    }
    if (hour != at.hour) at.start_hour(hour);

    const int minute = next_bit(minutes, at.minute);
    if (minute < 0) {
      at.next_hour();
      continue;
    }
    if (minute != at.minute) at.start_minute(minute);

    const int second = next_bit(seconds, at.second);
    if (second < 0) {
      at.next_minute();
      continue;
    }
    return at.date() + std::chrono::hours{at.hour} + std::chrono::minutes{at.minute} +
           std::chrono::seconds{second};
  }
  return std::nullopt;
}

}  // namespace wasmfaas::triggers
