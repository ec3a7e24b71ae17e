#include "triggers/time_zone.h"

#include <date/tz.h>

#include <exception>
#include <string>

#include "triggers/quoted.h"

namespace wasmfaas::triggers {

namespace {

// date/tz has its own local_t clock; both count seconds since 1970-01-01 00:00.
date::local_seconds to_date_local(std::chrono::local_seconds local) {
  return date::local_seconds{local.time_since_epoch()};
}

}  // namespace

Result<TimeZone> TimeZone::find(std::string_view name) {
  try {
    date::get_tzdb();
  } catch (const std::exception& error) {
    return make_error(ErrorCode::kInternal,
                      std::string("the time zone database cannot be read: ") + error.what());
  }
  try {
    return TimeZone(date::locate_zone(name));
  } catch (const std::exception&) {
    return make_error(ErrorCode::kInvalidArgument,
                      "unknown time zone " + quoted(name) +
                          ": expected an IANA name such as 'Europe/Luxembourg' or 'UTC'");
  }
}

std::string_view TimeZone::name() const { return zone_->name(); }

ZonedTime TimeZone::to_local(std::chrono::sys_seconds instant) const {
  const date::sys_info info = zone_->get_info(instant);
  return ZonedTime{std::chrono::local_seconds{instant.time_since_epoch() + info.offset},
                   info.offset};
}

LocalTimeLookup TimeZone::to_sys(std::chrono::local_seconds local) const {
  const date::local_info info = zone_->get_info(to_date_local(local));
  const std::chrono::sys_seconds as_first{local.time_since_epoch() - info.first.offset};
  switch (info.result) {
    case date::local_info::nonexistent:
      return LocalTimeLookup{LocalTimeLookup::Kind::kSkipped, info.second.begin, info.second.begin};
    case date::local_info::ambiguous:
      return LocalTimeLookup{
          LocalTimeLookup::Kind::kRepeated, as_first,
          std::chrono::sys_seconds{local.time_since_epoch() - info.second.offset}};
    default:
      return LocalTimeLookup{LocalTimeLookup::Kind::kUnique, as_first, as_first};
  }
}

}  // namespace wasmfaas::triggers
