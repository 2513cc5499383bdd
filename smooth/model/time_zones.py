"""Which zone a person reads a stored date-time in, so every view names the zone it shows.

Two kinds of stored times exist. A Datetime whose options say "UTC" holds a canonical instant:
each viewer reads it in their own User time zone. Every other Datetime and every Time is a
wall clock in the system zone (Frappe's convention): it is shown as stored, labelled with the
system zone, so a reader in another zone is never left to guess.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

from smooth.context import local, session_user, system_time_zone
from smooth.model.database_api import document_db

ZONED_TYPES = frozenset({"Datetime", "Time"})
_VIEWER_ZONES = "viewer_zones"


def known_zone(name: Any) -> bool:
    try:
        zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return bool(name)


def user_time_zone(user: str | None = None) -> str:
    """The user's own Time Zone, else the system's (also for Guest and a zone Python no longer knows)."""
    user = user or session_user()
    own = document_db().get_value("User", user, "time_zone") if user not in ("Guest", "") else None
    return _own_or_system(own)


def _own_or_system(own: Any) -> str:
    return str(own) if own and known_zone(own) else system_time_zone()


def shown_zone(fieldtype: str, options: str | None, zones: tuple[str, str],
               values: Mapping[str, Any] | None = None) -> str:
    """The zone a value of this field is shown in ("" for fields with no time of day), given
    (viewer zone, system zone). A Time whose options name a field reads its zone there (the
    record's own zone, or its parent's for a row; "" when no values are given: it varies by
    record), else it is the system zone's wall clock."""
    if fieldtype not in ZONED_TYPES:
        return ""
    viewer, system = zones
    if fieldtype == "Datetime" and options == "UTC":
        return viewer or system
    if fieldtype == "Time" and options:
        if values is None:
            return ""
        named = values.get(options)
        return str(named) if named and known_zone(named) else system
    return system


def in_zone(value: dt.datetime, options: str | None, zone: str) -> dt.datetime:
    """A stored naive Datetime as the wall clock of `zone` (only UTC instants move; wall clocks stay)."""
    if options != "UTC" or not zone:
        return value
    return value.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)


def from_system(value: dt.datetime) -> dt.datetime:
    """A naive system-zone wall clock (how `creation` and `modified` are stored) as a naive UTC instant."""
    zone = zoneinfo.ZoneInfo(system_time_zone())
    return value.replace(tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None)


def labelled(value: Any, zone: str, options: str | None = None) -> str:
    """A stored date-time or time as text in `zone`, the zone named: "2026-12-07 09:00 (Europe/Berlin)"."""
    if isinstance(value, dt.timedelta):
        value = (dt.datetime.min + value).time()
    if isinstance(value, dt.datetime):
        value = in_zone(value, options, zone)
        text = value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    elif isinstance(value, dt.time):
        text = value.strftime("%H:%M:%S" if value.second else "%H:%M")
    else:
        text = str(value)
    return f"{text} ({zone})" if zone else text


def viewer_zones() -> tuple[str, str]:
    """(the current user's zone, the system zone), the pair a view decides zones with: read once per unit
    of work and user (a page asks for its columns, its fields and its timeline)."""
    user = session_user()
    seen: tuple[str, tuple[str, str]] | None = local().flags.__dict__.get(_VIEWER_ZONES)
    if seen is None or seen[0] != user:
        seen = (user, (user_time_zone(user), system_time_zone()))
        local().flags.__dict__[_VIEWER_ZONES] = seen
    return seen[1]


def remember_viewer_zone(user: str, own: Any) -> None:
    """The viewer's own Time Zone as a page read it with the rest of their User row (one read, not two)."""
    local().flags.__dict__[_VIEWER_ZONES] = (user, (_own_or_system(own), system_time_zone()))
