"""Every offered instant around the 2027 DST changes, against a plain zoneinfo model of the policy.

5 evaluator zones x 6 learner zones x 3 system zones, 30- and 45-minute slots, over the days on
which New York, Berlin, Sydney/Lord Howe, Auckland and St John's change their clocks in both
directions. The model below uses nothing from smooth_lms: it walks each schedule row on the
evaluator's wall clock, keeps every instant that wall-clock time names (both occurrences of a
repeated hour, none of a skipped one), and reads every label with `astimezone`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from smooth_lms.slot_labels import group_by_local_date
from smooth_lms.slots import WEEKDAYS, EvaluatorCalendar, ScheduleRow, offered_slots
from smooth_lms.timezones import to_utc

EVALUATOR_ZONES = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kolkata"]
LEARNER_ZONES = ["Asia/Kathmandu", "America/St_Johns", "America/Los_Angeles", "Pacific/Auckland",
                 "Australia/Adelaide", "Europe/London"]
SYSTEM_ZONES = ["UTC", "Europe/Berlin", "America/New_York"]
WINDOWS = [  # evaluator-local dates around each change of 2027
    (dt.date(2027, 3, 13), dt.date(2027, 3, 15)),  # US spring forward (03-14)
    (dt.date(2027, 3, 27), dt.date(2027, 3, 29)),  # EU spring forward (03-28)
    (dt.date(2027, 4, 3), dt.date(2027, 4, 5)),  # Sydney, Lord Howe, Auckland, Adelaide fall back (04-04)
    (dt.date(2027, 9, 25), dt.date(2027, 9, 27)),  # Auckland spring forward (09-26)
    (dt.date(2027, 10, 2), dt.date(2027, 10, 4)),  # Lord Howe, Adelaide spring forward (10-03)
    (dt.date(2027, 10, 30), dt.date(2027, 11, 1)),  # EU fall back (10-31)
    (dt.date(2027, 11, 6), dt.date(2027, 11, 8)),  # US fall back (11-07)
]
ROWS = [ScheduleRow(day, dt.time(0), dt.time(23, 30)) for day in WEEKDAYS]
UTC = dt.UTC


def model_offered(zone_name: str, minutes: int, first: dt.date, last: dt.date) -> list[tuple[dt.datetime, ...]]:
    tz, step = zoneinfo.ZoneInfo(zone_name), dt.timedelta(minutes=minutes)
    kept: list[tuple[dt.datetime, dt.datetime]] = []
    day = first
    while day <= last:
        row_end = dt.datetime.combine(day, dt.time(23, 30))
        candidates = set()
        wall = dt.datetime.combine(day, dt.time(0))
        while wall < row_end:
            for fold in (0, 1):
                start = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
                if start.astimezone(tz).replace(tzinfo=None) != wall:
                    continue  # skipped by a spring-forward
                if (start + step).astimezone(tz).replace(tzinfo=None) <= row_end:
                    candidates.add(start.replace(tzinfo=None))
            wall += step
        for start in sorted(candidates):
            if not kept or start >= kept[-1][1]:
                kept.append((start, start + step))
        day += dt.timedelta(days=1)
    return kept


def label(instant: dt.datetime, zone_name: str) -> dt.datetime:
    return instant.replace(tzinfo=UTC).astimezone(zoneinfo.ZoneInfo(zone_name))


@pytest.mark.parametrize("minutes", [30, 45])
@pytest.mark.parametrize("evaluator_zone", EVALUATOR_ZONES)
def test_offered_instants_and_every_label_match_the_zoneinfo_model(evaluator_zone, minutes):
    checked = 0
    for first, last in WINDOWS:
        calendar = EvaluatorCalendar("eva@example.com", ROWS, minutes, evaluator_zone)
        slots = list(offered_slots(calendar, first, last))
        assert [(s.start, s.end) for s in slots] == model_offered(evaluator_zone, minutes, first, last)
        counts = {(s.start, s.end): 1 for s in slots}
        for system_zone in SYSTEM_ZONES:
            for learner_zone in LEARNER_ZONES:
                groups = group_by_local_date(slots, counts, system_zone, learner_zone)
                labelled = [(group["date"], slot) for group in groups for slot in group["slots"]]
                assert len(labelled) == len(slots)
                for (group_date, shown), slot in zip(labelled, slots, strict=True):
                    local, local_end = label(slot.start, learner_zone), label(slot.end, learner_zone)
                    system, system_end = label(slot.start, system_zone), label(slot.end, system_zone)
                    assert (group_date, shown["local_date"], shown["local_start_time"], shown["local_end_time"],
                            shown["local_end_date"], shown["utc_offset"]) == (
                        local.date().isoformat(), local.date().isoformat(), f"{local:%H:%M}", f"{local_end:%H:%M}",
                        local_end.date().isoformat(), local.isoformat()[-6:])
                    assert (shown["date"], shown["start_time"], shown["end_time"]) == (
                        system.date().isoformat(), f"{system:%H:%M:%S}", f"{system_end:%H:%M:%S}")
                    assert shown["start_utc"] == f"{slot.start:%Y-%m-%dT%H:%M:%S}Z"
                    checked += 1
                # what a learner books with, read back to the instant it was offered at
                for _group_date, shown in labelled[::7]:
                    day, clock = dt.date.fromisoformat(shown["local_date"]), dt.time.fromisoformat(
                        shown["local_start_time"])
                    assert to_utc(day, clock, learner_zone, shown["utc_offset"]).isoformat() + "Z" == shown[
                        "start_utc"]
    assert checked > 10_000, checked


def test_the_model_sees_the_changes_it_is_meant_to():
    """Guards the matrix: the windows really hold repeated and skipped hours in the evaluator zones."""
    ny = model_offered("America/New_York", 30, dt.date(2027, 11, 7), dt.date(2027, 11, 7))
    assert len(ny) == 47 + 2  # 00:00-23:00 has 47 starts; 01:00 and 01:30 happen twice
    berlin = model_offered("Europe/Berlin", 30, dt.date(2027, 3, 28), dt.date(2027, 3, 28))
    assert len(berlin) == 47 - 2  # 02:00 and 02:30 do not exist
    lord_howe = model_offered("Australia/Lord_Howe", 30, dt.date(2027, 4, 4), dt.date(2027, 4, 4))
    assert len(lord_howe) == 47 + 1  # clocks go back half an hour: 01:30 happens twice
