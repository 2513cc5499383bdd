"""Free slots as a learner reads them: grouped by their own date, each labelled on their own clock.

Every slot is converted from its own instant (a zone's offset can change at any hour, and two
zones rarely change at the same one), so a label is right on DST days in either zone. A slot
also carries its UTC instants and the learner's UTC offset, which is how a learner names one
occurrence of a repeated hour when booking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import smooth
from smooth_lms.slots import Slot
from smooth_lms.timezones import format_offset, wall_clock, zone


def group_by_local_date(slots: Sequence[Slot], counts: Mapping[tuple[dt.datetime, dt.datetime], int],
                        system_zone: str, learner_zone: str) -> list[dict[str, Any]]:
    """Slots (sorted, UTC instants) grouped by the learner's date, with system and learner wall clocks."""
    return group_intervals([(slot.start, slot.end) for slot in slots], counts, system_zone, learner_zone)


def group_intervals(slots: Sequence[tuple[dt.datetime, dt.datetime]],
                    counts: Mapping[tuple[dt.datetime, dt.datetime], int], system_zone: str,
                    learner_zone: str) -> list[dict[str, Any]]:
    """`group_by_local_date` of (start, end) pairs; each slot's fields are read once per process and zones."""
    groups: dict[str, dict[str, Any]] = {}
    lang = smooth.get_lang()
    for start, end in slots:
        fields, header = _slot_fields(start, end, system_zone, learner_zone, lang)
        group = groups.get(fields["local_date"])
        if group is None:
            group = groups[fields["local_date"]] = {**header, "slots": []}
        slot: dict[str, Any] = dict(fields)
        slot["evaluators_free"] = counts[(start, end)]
        group["slots"].append(slot)
    return list(groups.values())


def by_local_date(slots: Sequence[tuple[dt.datetime, dt.datetime]], system_zone: str,
                  learner_zone: str) -> dict[str, tuple[dict[str, str], list[tuple[dt.datetime, dt.datetime]]]]:
    """The slots of each of the learner's dates, with the date's header, without labelling each slot."""
    dates: dict[str, tuple[dict[str, str], list[tuple[dt.datetime, dt.datetime]]]] = {}
    lang = smooth.get_lang()
    for start, end in slots:
        fields, header = _slot_fields(start, end, system_zone, learner_zone, lang)
        found = dates.get(fields["local_date"])
        if found is None:
            found = dates[fields["local_date"]] = (header, [])
        found[1].append((start, end))
    return dates


def slot_fields(start: dt.datetime, end: dt.datetime, system_zone: str,
                learner_zone: str) -> tuple[dict[str, str], dict[str, str]]:
    """A slot as the learner and the system read it, and the header of the learner's date it opens (shared:
    callers copy; the header is in the reader's language)."""
    return _slot_fields(start, end, system_zone, learner_zone, smooth.get_lang())


@lru_cache(maxsize=16384)
def _slot_fields(start: dt.datetime, end: dt.datetime, system_zone: str, learner_zone: str,
                 lang: str) -> tuple[dict[str, str], dict[str, str]]:
    learner, system = zone(learner_zone), zone(system_zone)
    local_start, local_end = wall_clock(start, learner), wall_clock(end, learner)
    system_start, system_end = wall_clock(start, system), wall_clock(end, system)
    offset = format_offset(local_start - start)
    local_day = local_start.date().isoformat()
    fields = {
        "date": system_start.date().isoformat(),
        "start_time": system_start.time().isoformat(),
        "end_time": system_end.time().isoformat(),
        "start_utc": start.isoformat() + "Z",
        "end_utc": end.isoformat() + "Z",
        "utc_offset": offset,
        "local_date": local_day,
        "local_start_time": local_start.time().isoformat()[:5],
        "local_end_time": local_end.time().isoformat()[:5],
        "local_end_date": local_end.date().isoformat(),
    }
    header = {"date": local_day, "label": smooth.strftime(local_start, "%A, %d %B %Y", lang),
              "timezone": f"{learner_zone} (GMT{offset})"}
    return fields, header
