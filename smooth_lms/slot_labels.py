"""Free slots as a learner reads them: grouped by their own date, each labelled on their own clock.

Every slot is converted from its own instant (a zone's offset can change at any hour, and two
zones rarely change at the same one), so a label is right on DST days in either zone. A slot
also carries its UTC instants and the learner's UTC offset, which is how a learner names one
occurrence of a repeated hour when booking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from smooth_lms.slots import Slot
from smooth_lms.timezones import format_offset, wall_clock, zone


def group_by_local_date(slots: Sequence[Slot], counts: Mapping[tuple[dt.datetime, dt.datetime], int],
                        system_zone: str, learner_zone: str) -> list[dict[str, Any]]:
    """Slots (sorted, UTC instants) grouped by the learner's date, with system and learner wall clocks."""
    learner = _Clock(zone(learner_zone))
    system = learner if system_zone == learner_zone else _Clock(zone(system_zone))
    offsets: dict[dt.timedelta, str] = {}
    groups: dict[str, dict[str, Any]] = {}
    for slot in slots:
        local_start, local_day, local_time = learner.read(slot.start)
        _end, local_end_day, local_end_time = learner.read(slot.end)
        if system is learner:
            system_day, system_time, system_end_time = local_day, local_time, local_end_time
        else:
            _start, system_day, system_time = system.read(slot.start)
            system_end_time = system.read(slot.end)[2]
        shift = local_start - slot.start
        offset = offsets.get(shift) or offsets.setdefault(shift, format_offset(shift))
        group = groups.get(local_day)
        if group is None:
            group = groups[local_day] = {
                "date": local_day,
                "label": f"{local_start:%A, %d %B %Y}",
                "timezone": f"{learner_zone} (GMT{offset})",
                "slots": [],
            }
        group["slots"].append({
            "date": system_day,
            "start_time": system_time,
            "end_time": system_end_time,
            "start_utc": slot.start.isoformat() + "Z",
            "end_utc": slot.end.isoformat() + "Z",
            "utc_offset": offset,
            "local_date": local_day,
            "local_start_time": local_time[:5],
            "local_end_time": local_end_time[:5],
            "local_end_date": local_end_day,
            "evaluators_free": counts[(slot.start, slot.end)],
        })
    return list(groups.values())


class _Clock:
    """One zone's wall clock, read once per instant: a slot's end is usually the next slot's start."""

    def __init__(self, tz: dt.tzinfo) -> None:
        self.tz = tz
        self.seen: dict[dt.datetime, tuple[dt.datetime, str, str]] = {}

    def read(self, instant: dt.datetime) -> tuple[dt.datetime, str, str]:
        """The wall clock, its ISO date and its ISO time (HH:MM:SS)."""
        found = self.seen.get(instant)
        if found is None:
            wall = wall_clock(instant, self.tz)
            found = self.seen[instant] = (wall, wall.date().isoformat(), wall.time().isoformat())
        return found
