"""Instants and wall clocks: the one place LMS code turns one into the other.

An evaluation happens at an instant. Requests keep it as naive UTC (`start_utc`, `end_utc`)
beside Frappe's system-zone wall clock (`date`, `start_time`, `end_time`), because a wall
clock cannot name the second occurrence of a repeated hour and names times a spring-forward
skips. Every conversion here goes through one instant at a time (zoneinfo), never through a
shift assumed to hold for a whole day: two zones rarely change on the same hour.

Repeated-hour policy: a wall-clock time that happens twice (clocks going back) is two
different instants; callers name the one they mean with its UTC offset (`-04:00` or
`-05:00`), and a wall-clock time given without one is refused as ambiguous rather than
guessed. A wall-clock time the clocks skip does not exist and is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

from smooth import _
from smooth.exceptions import ValidationError

UTC = dt.UTC
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


class AmbiguousTimeError(ValidationError):
    """A wall-clock time that happens twice, given without saying which occurrence."""

    def __init__(self, message: str, instants: list[dt.datetime]) -> None:
        super().__init__(message)
        self.instants = instants


def now_utc() -> dt.datetime:
    return dt.datetime.now(UTC).replace(tzinfo=None)


@lru_cache(maxsize=256)
def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError(_("{0} is not an IANA time zone name (for example Europe/Berlin)", repr(name))) from None


def instants(wall: dt.datetime, tz: dt.tzinfo) -> tuple[dt.datetime, ...]:
    """The naive UTC instants at which a zone's clocks read `wall`: one, none (skipped) or two (repeated), in order.

    zoneinfo gives a skipped time the offset before the change for fold=0 and the one after it for
    fold=1, and a repeated time the reverse (PEP 495), so the two offsets tell the three cases apart.
    """
    first = wall.replace(tzinfo=tz, fold=0).utcoffset()
    second = wall.replace(tzinfo=tz, fold=1).utcoffset()
    if first is None or second is None:
        raise ValueError(f"{tz!r} gives no UTC offset (a zone's tzinfo always does)")
    if first == second:
        return (wall - first,)
    if first > second:
        return (wall - first, wall - second)
    return ()


def wall_clock(instant: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A naive UTC instant as a zone's naive wall clock."""
    return tz.fromutc(instant.replace(tzinfo=tz)).replace(tzinfo=None, fold=0)


def occurrences(day: dt.date, clock: dt.time, zone_name: str) -> list[dt.datetime]:
    """`instants` of a zone's `day clock`, by zone name."""
    return list(instants(dt.datetime.combine(day, clock), zone(zone_name)))


def to_utc(day: dt.date, clock: dt.time, zone_name: str, utc_offset: str | None = None) -> dt.datetime:
    """The one instant a wall-clock time names (naive UTC); `utc_offset` picks an occurrence of a repeated hour."""
    found = occurrences(day, clock, zone_name)
    if not found:
        raise ValidationError(_("{0} does not exist on {1} in {2} (the clocks skip it); pick another time",
                                clock.strftime("%H:%M"), day.strftime("%Y-%m-%d"), zone_name))
    if utc_offset:
        wanted = parse_offset(utc_offset)
        for instant in found:
            if offset_at(instant, zone_name) == wanted:
                return instant
        raise ValidationError(_("{0} on {1} in {2} is at UTC{3}, not {4}; pick the offset shown with the slot",
                                clock.strftime("%H:%M"), day.strftime("%Y-%m-%d"), zone_name, _or(found, zone_name),
                                utc_offset))
    if len(found) > 1:
        raise AmbiguousTimeError(
            _("{0} on {1} happens twice in {2} (the clocks go back): book it with utc_offset {3} to say which one "
              "you mean", clock.strftime("%H:%M"), day.strftime("%Y-%m-%d"), zone_name, _or(found, zone_name)), found)
    return found[0]


def _or(instants: list[dt.datetime], zone_name: str) -> str:
    return _(" or ").join(format_offset(offset_at(i, zone_name)) for i in instants)


def to_wall(instant: dt.datetime, zone_name: str) -> dt.datetime:
    return wall_clock(instant, zone(zone_name))


def offset_at(instant: dt.datetime, zone_name: str) -> dt.timedelta:
    return to_wall(instant, zone_name) - instant


def format_offset(offset: dt.timedelta) -> str:
    """`+05:45`, `-03:30`, `+00:00`: how a slot names its occurrence."""
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_offset(text: str) -> dt.timedelta:
    value = str(text).strip()
    if value in ("Z", "z"):
        return dt.timedelta()
    match = _OFFSET.fullmatch(value)
    if not match or int(match[3]) >= 60 or int(match[2]) > 18:
        raise ValidationError(_("UTC offset {0} is not an offset like +05:30 or -04:00", repr(text)))
    offset = dt.timedelta(hours=int(match[2]), minutes=int(match[3]))
    return -offset if match[1] == "-" else offset


def end_after(start: dt.datetime, clock: dt.time, zone_name: str) -> dt.datetime | None:
    """The first instant after `start` at which the zone's clocks read `clock` (how people read an end time)."""
    first_day = to_wall(start, zone_name).date()
    for day in (first_day, first_day + dt.timedelta(days=1)):
        for instant in occurrences(day, clock, zone_name):
            if instant > start:
                return instant
    return None


def describe(instant: dt.datetime, zone_name: str, *, with_zone: bool = True) -> str:
    """`2027-11-07 01:30 (America/New_York)`; a repeated wall-clock time also names its offset."""
    local = to_wall(instant, zone_name)
    text = f"{local:%Y-%m-%d %H:%M}"
    if len(occurrences(local.date(), local.time(), zone_name)) > 1:
        text += f" {format_offset(local - instant)}"
    return f"{text} ({zone_name})" if with_zone else text


def overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
