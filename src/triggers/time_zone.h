#pragma once

#include <chrono>
#include <string_view>

#include "common/error.h"

namespace date {
class time_zone;
}

namespace wasmfaas::triggers {

// A wall-clock reading of a zone and the UTC offset in force at that instant.
struct ZonedTime {
  std::chrono::local_seconds local;
  std::chrono::seconds offset;
};

// Which instants a wall-clock reading of a zone stands for.
struct LocalTimeLookup {
  enum class Kind {
    kUnique,    // exactly one instant
    kSkipped,   // none: the clock jumped over it (spring forward)
    kRepeated,  // two: the clock showed it twice (fall back)
  };
  Kind kind = Kind::kUnique;
  // kUnique: the instant, in both. kRepeated: the earlier and the later one.
  // kSkipped: the instant of the jump (the first after the gap), in both.
  std::chrono::sys_seconds earlier;
  std::chrono::sys_seconds later;
};

// An IANA time zone ("Europe/Luxembourg", "UTC") of the system's tzdata
// (/usr/share/zoneinfo), read through Howard Hinnant's date/tz; the rest of
// wasmfaas uses this class and never includes date/tz.h.
//
// Limitation of date/tz over the system's files: it knows only the
// transitions listed in them (Debian's run to 2037); after the last one a zone
// keeps its last offset, so daylight saving time is not applied after 2037.
//
// A small value that points into the process-wide time zone database, which
// lives until exit. Thread-safe: any number of threads may use one at once.
class TimeZone {
 public:
  // The zone named `name` (case-sensitive, as in the tz database; links such
  // as "US/Eastern" too). kInvalidArgument naming it when there is none;
  // kInternal when the database cannot be read.
  static Result<TimeZone> find(std::string_view name);

  // The name it was found by.
  std::string_view name() const;

  // The wall clock and UTC offset at `instant`.
  ZonedTime to_local(std::chrono::sys_seconds instant) const;

  // The instants at which the wall clock reads `local`.
  LocalTimeLookup to_sys(std::chrono::local_seconds local) const;

 private:
  explicit TimeZone(const date::time_zone* zone) : zone_(zone) {}

  const date::time_zone* zone_;
};

}  // namespace wasmfaas::triggers
