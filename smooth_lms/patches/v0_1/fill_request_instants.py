"""Give requests stored before `start_utc` / `end_utc` existed their instants.

Their only record is the system-zone wall clock, which cannot say which occurrence of a
repeated hour was meant: such a request gets the first one (what it was checked against when it
was booked). A start in a skipped hour (possible only through direct database writes) gets
what zoneinfo gives it, so no row is left without instants. The old controller stored the end
as start + length on the wall clock, which across a DST change differs from where the clock
really reads it; the shorter of the two readings is the slot's length.
"""

from __future__ import annotations

import datetime as dt

import smooth
from smooth_lms.timezones import end_after, instants, zone


def execute() -> None:
    system_zone = smooth.local.site.time_zone
    tz = zone(system_zone)
    rows = smooth.db.get_all("LMS Certificate Request", fields=["name", "date", "start_time", "end_time"],
                             filters={"start_utc": ["is", "not set"]}, as_list=True)
    for name, day, start_time, end_time in rows:
        if day is None or start_time is None:
            continue
        wall = dt.datetime.combine(day, start_time)
        found = instants(wall, tz)
        start = found[0] if found else wall.replace(tzinfo=tz).astimezone(dt.UTC).replace(tzinfo=None)
        end = start + _length(wall, start, end_time, system_zone) if end_time else start
        smooth.db.set_value("LMS Certificate Request", name, {"start_utc": start, "end_utc": end},
                            update_modified=False)


def _length(wall: dt.datetime, start: dt.datetime, end_time: dt.time, system_zone: str) -> dt.timedelta:
    on_the_wall = (dt.datetime.combine(wall.date(), end_time) - wall) % dt.timedelta(days=1)
    real_end = end_after(start, end_time, system_zone)
    readings = [length for length in (on_the_wall, real_end - start if real_end else None) if length]
    return min(readings, default=dt.timedelta())
