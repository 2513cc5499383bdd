"""Wall-clock conversions between a learner's zone and the system zone.

Requests store date, start and end in the system zone (the site's System Settings) and the
learner's IANA zone beside them. An interval is always [start, start + length): an end time
at or before the start time means the slot ends on the next day, which happens whenever a
slot crosses midnight in the zone it is shown in.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from smooth.exceptions import ValidationError


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{name!r} is not an IANA time zone name (for example Europe/Berlin)") from None


def localize(day: dt.date, clock: dt.time, zone_name: str) -> dt.datetime:
    """An aware datetime for a wall-clock time; refuses times a DST jump skips.

    A time that occurs twice (clocks going back) means its first occurrence.
    """
    tz = zone(zone_name)
    naive = dt.datetime.combine(day, clock)
    aware = naive.replace(tzinfo=tz, fold=0)
    round_trip = aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise ValidationError(
            f"{clock:%H:%M} does not exist on {day:%Y-%m-%d} in {zone_name} (the clocks skip it); pick another time")
    return aware


def convert(day: dt.date, clock: dt.time, from_zone: str, to_zone: str) -> tuple[dt.date, dt.time]:
    """Move a wall-clock moment from one zone to another: the tested conversion every path uses."""
    moved = localize(day, clock, from_zone).astimezone(zone(to_zone))
    return moved.date(), moved.time().replace(tzinfo=None)


def interval(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """Naive [start, end) in one zone; an end at or before the start is on the next day."""
    begin = dt.datetime.combine(day, start)
    finish = dt.datetime.combine(day, end)
    if finish <= begin:
        finish += dt.timedelta(days=1)
    return begin, finish


def overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def utc_offset_label(zone_name: str, at: dt.datetime) -> str:
    """`Europe/Berlin (GMT+01:00)` for the offset in force at `at` (DST-aware)."""
    offset = at.replace(tzinfo=zone(zone_name)).utcoffset() or dt.timedelta()
    sign = "+" if offset >= dt.timedelta() else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{zone_name} (GMT{sign}{minutes // 60:02d}:{minutes % 60:02d})"
