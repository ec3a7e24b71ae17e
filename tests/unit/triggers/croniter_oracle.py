#!/usr/bin/env python3
"""Random cron cases with croniter's next fire times, for croniter_oracle_test.cpp.

Writes one line per case, tab-separated: the expression in our syntax (seconds
first when there are six fields), the IANA zone, an instant (Unix seconds) and
croniter's first fire time after it (Unix seconds, or "none" when croniter
finds none). The same seed gives the same cases.

The expressions use every syntax element both sides read alike: lists,
ranges, steps (*/S, A-B/S, A/S), month and day names in any case, 0 and 7 for
Sunday, ranges ending at SUN or 7, `?`, the macros, full-field lists (which
croniter's day-of-month OR day-of-week rule treats specially). They leave out
what differs on purpose (see cron_expression.h): equal ranges such as 5-5 and
backwards ranges. A third of the expressions fire around 00:00-04:00 and a few
on Feb 29-31 or Apr 31. Instants are spread over 2000-2030 (date/tz knows the
system's transitions only up to 2037); about half of them, and all of those
for the early-morning expressions, lie within four hours of a daylight saving
time change of their zone.

Usage: croniter_oracle.py --count N --seed S --output FILE
"""
import argparse
import datetime
import os
import random
import sys
import zoneinfo

import croniter as croniter_module
from croniter import CroniterBadDateError, croniter

ZONES = [
    "UTC",
    "Europe/Luxembourg",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute changes
    "Australia/Sydney",  # southern hemisphere
    "America/Santiago",  # changes at midnight
    "Pacific/Chatham",  # +12:45, changes at 02:45
    "Asia/Kolkata",  # no changes, +05:30
]
FIRST_YEAR, LAST_YEAR = 2000, 2030

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

# name: (first, last) as `*` and A/S run; day-of-week also takes 7.
FIELDS = {
    "second": (0, 59),
    "minute": (0, 59),
    "hour": (0, 23),
    "dom": (1, 31),
    "month": (1, 12),
    "dow": (0, 6),
}


def random_case_of_name(rng, text):
    choice = rng.random()
    if choice < 0.4:
        return text.upper()
    if choice < 0.8:
        return text
    return text.capitalize()


def write_value(rng, field, value, as_range_end_after=None):
    """A value as digits or, in month and day-of-week, sometimes as a name."""
    if field == "month" and rng.random() < 0.4:
        return random_case_of_name(rng, MONTHS[value - 1])
    if field == "dow" and rng.random() < 0.4:
        if value == 7:
            # SUN ends a range as 7 only after a later day (SUN-SUN is one day).
            if as_range_end_after is not None and as_range_end_after > 0:
                return random_case_of_name(rng, "sun")
            return "7"
        return random_case_of_name(rng, DAYS[value])
    return str(value)


def interesting_value(rng, field):
    first, last = FIELDS[field]
    if field == "hour" and rng.random() < 0.5:
        return rng.randint(0, 4)  # where the clocks change
    if field == "dow" and rng.random() < 0.15:
        return 7
    return rng.randint(first, last)


def random_element(rng, field):
    first, last = FIELDS[field]
    top = 7 if field == "dow" else last
    kind = rng.random()
    if kind < 0.35:
        return write_value(rng, field, interesting_value(rng, field))
    if kind < 0.55:
        low = rng.randint(first, top - 1)
        high = rng.randint(low + 1, min(top, low + rng.choice([2, 5, 12, 40])))
        return write_value(rng, field, low) + "-" + write_value(rng, field, high, low)
    step = rng.choice([1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 45])
    if kind < 0.7:
        return f"*/{step}"
    if kind < 0.85:
        low = rng.randint(first, top - 1)
        high = rng.randint(low + 1, top)
        return write_value(rng, field, low) + "-" + write_value(rng, field, high, low) + f"/{step}"
    low = rng.randint(first, last)
    return write_value(rng, field, low) + f"/{step}"


def random_field(rng, field):
    roll = rng.random()
    wildcard_odds = {"second": 0.3, "minute": 0.15, "hour": 0.35, "dom": 0.5, "month": 0.6,
                     "dow": 0.5}[field]
    if roll < wildcard_odds:
        if field in ("dom", "dow") and rng.random() < 0.15:
            return "?"
        return "*"
    if field in ("dom", "dow") and rng.random() < 0.08:
        return rng.choice(["1-31", "*/1", "1-15,16-31"] if field == "dom" else
                          ["0-6", "*/1", "mon-sun", "0-7", "SUN-SAT", "1-7"])
    if field == "hour" and rng.random() < 0.05:
        return rng.choice(["0-23", "*/1", "0-11,12-23"])
    count = rng.choice([1, 1, 1, 2, 2, 3])
    elements = [random_element(rng, field) for _ in range(count)]
    if rng.random() < 0.03:
        elements.append("*")
    return ",".join(elements)


def clock_change_field(rng, field):
    """Fields that fire around the hours in which clocks change."""
    if field == "hour":
        if rng.random() < 0.2:
            return "*"
        return ",".join(str(rng.randint(0, 3)) if rng.random() < 0.7 else
                        f"{rng.randint(0, 2)}-{rng.randint(3, 4)}"
                        for _ in range(rng.choice([1, 2])))
    if field == "minute":
        return rng.choice(["*", "*/5", "0", "30", "45", "*/20", "15,45", "40-50",
                           str(rng.randint(0, 59))])
    if field == "second":
        return rng.choice(["*", "0", "15", "*/20", "30-40/3", str(rng.randint(0, 59))])
    return random_field(rng, field)


def rare_day_field(rng, field):
    """Days that some years or all years lack: Feb 29, Feb 30, Apr 31."""
    if field == "dom":
        return rng.choice(["29", "30", "31", "29,30", "30-31", "28-29"])
    if field == "month":
        return rng.choice(["2", "feb", "FEB", "4", "2,4", "apr,jun,sep,nov", "2-4/2"])
    if field == "dow":
        return "*" if rng.random() < 0.7 else random_field(rng, field)
    return random_field(rng, field)


def random_expression(rng):
    """An expression, and whether it is meant for the hours in which clocks change."""
    if rng.random() < 0.04:
        return random_case_of_name(rng, rng.choice(
            ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"])), False
    fields = ["minute", "hour", "dom", "month", "dow"]
    if rng.random() < 0.3:
        fields = ["second"] + fields
    roll = rng.random()
    make_field = clock_change_field if roll < 0.3 else rare_day_field if roll < 0.36 else random_field
    return " ".join(make_field(rng, field) for field in fields), make_field is clock_change_field


def transitions(zone_name):
    """The instants (Unix seconds) at which the zone's UTC offset changes."""
    zone = zoneinfo.ZoneInfo(zone_name)
    found = []
    start = datetime.datetime(FIRST_YEAR, 1, 1, tzinfo=datetime.timezone.utc)
    end = datetime.datetime(LAST_YEAR + 1, 1, 1, tzinfo=datetime.timezone.utc)
    step = datetime.timedelta(days=7)  # these zones change at most twice a year
    at = start
    previous = at.astimezone(zone).utcoffset()
    while at < end:
        following = at + step
        offset = following.astimezone(zone).utcoffset()
        if offset != previous:
            low, high = int(at.timestamp()), int(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                middle_offset = datetime.datetime.fromtimestamp(middle, zone).utcoffset()
                if middle_offset == previous:
                    low = middle
                else:
                    high = middle
            found.append(high)
            previous = offset
        at = following
    return found


def random_instant(rng, zone_changes, near_change):
    if zone_changes and (near_change or rng.random() < 0.4):
        instant = rng.choice(zone_changes) + rng.randint(-4 * 3600, 4 * 3600)
    else:
        first = int(datetime.datetime(FIRST_YEAR, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
        last = int(datetime.datetime(LAST_YEAR, 12, 31, tzinfo=datetime.timezone.utc).timestamp())
        instant = rng.randint(first, last)
    if rng.random() < 0.5:
        instant -= instant % 60  # on a whole minute, as a scheduler calls it
    return instant


def croniter_next(expression, zone_name, instant):
    zone = zoneinfo.ZoneInfo(zone_name)
    start = datetime.datetime.fromtimestamp(instant, zone)
    # Our six fields put seconds first; croniter's put them last unless told.
    schedule = croniter(expression, start, second_at_beginning=True)
    try:
        value = schedule.get_next(float)
    except CroniterBadDateError:
        return None
    if value != int(value) or value <= instant:
        raise AssertionError(f"croniter gave {value} for {expression!r} after {instant}")
    return int(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--output", required=True)
    arguments = parser.parse_args()
    version = getattr(croniter_module, "__version__", None)
    if version is None:
        from importlib.metadata import version as package_version
        version = package_version("croniter")
    if version != "7.0.0":
        sys.exit(f"croniter {version} is installed; the cases are for 7.0.0 (scripts/setup.sh)")

    rng = random.Random(arguments.seed)
    changes = {zone: transitions(zone) for zone in ZONES}
    lines = []
    for _ in range(arguments.count):
        expression, for_clock_changes = random_expression(rng)
        zone = rng.choice(ZONES)
        instant = random_instant(rng, changes[zone], for_clock_changes)
        expected = croniter_next(expression, zone, instant)
        lines.append(f"{expression}\t{zone}\t{instant}\t{'none' if expected is None else expected}\n")

    temporary = f"{arguments.output}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as output:
        output.writelines(lines)
    os.replace(temporary, arguments.output)
    print(f"wrote {len(lines)} croniter cases to {arguments.output}")


if __name__ == "__main__":
    main()
