"""Availability by interval arithmetic (smooth_lms.availability) gives the answers slot enumeration gave.

`enumerated` below is the implementation get_available_slots used before (every offered slot of every
evaluator swept against its bookings, then merged and labelled), kept here as the oracle; the property
drives both with random pools (zones on both sides of a DST change, 15- to 60-minute slots, leave, daily
caps, overlapping and zero-length requests) and requires the same groups, slots and counts. Pure
functions, no database; the cache and the fingerprint are tested with a site below.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update

import smooth
from smooth_lms import availability
from smooth_lms.api import get_available_slots
from smooth_lms.slot_labels import group_by_local_date, group_intervals
from smooth_lms.slots import WEEKDAYS, DateRange, EvaluatorCalendar, ScheduleRow, Slot, free_slots, offered_slots
from smooth_lms.timezones import wall_clock, zone
from tests.lms.conftest import make_course, make_evaluator, next_weekday

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
FIRST = dt.date(2026, 3, 23)  # Berlin springs forward (03-29), Lord Howe falls back half an hour (04-05)
DAYS = 14


def enumerated(calendars, bookings, first, last, not_before, before, system_zone, learner_zone):
    """The enumeration get_available_slots did before interval arithmetic (the oracle)."""
    offered: dict[tuple[dt.datetime, dt.datetime], int] = {}
    for user, cal in calendars.items():
        day_of = partial(_local_date, tz=zone(cal.zone))
        slots = offered_slots(cal, first - dt.timedelta(days=1), last + dt.timedelta(days=1))
        for slot in free_slots(slots, bookings.get(user, []), not_before=not_before, before=before,
                               max_per_day=cal.max_per_day, day_of=day_of):
            offered[(slot.start, slot.end)] = offered.get((slot.start, slot.end), 0) + 1
    return group_by_local_date([Slot(s, e) for s, e in sorted(offered)], offered, system_zone, learner_zone)


def _local_date(instant: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return wall_clock(instant, tz).date()


def by_intervals(calendars, bookings, first, last, not_before, before, system_zone, learner_zone):
    """What get_available_slots does now, without the database (fingerprints, cache, reads)."""
    window = partial(availability.evaluator_free, first=first - dt.timedelta(days=1), last=last + dt.timedelta(days=1))
    free = {user: window(cal, booked=bookings.get(user, [])) for user, cal in calendars.items()}
    offered = availability.count_free(free, calendars)
    return group_intervals(availability.between(offered, not_before, before), offered, system_zone, learner_zone)


quarter_hours = st.integers(min_value=0, max_value=95)


@st.composite
def calendars(draw):
    rows = []
    for day in draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=5)):  # a day twice: overlapping rows
        a, b = sorted(draw(st.lists(quarter_hours, min_size=2, max_size=2, unique=True)))
        rows.append(ScheduleRow(day, dt.time(a // 4, 15 * (a % 4)), dt.time(b // 4, 15 * (b % 4))))
    leave = [DateRange(FIRST + dt.timedelta(days=a), FIRST + dt.timedelta(days=a + n))
             for a, n in draw(st.lists(st.tuples(st.integers(-1, DAYS), st.integers(0, 3)), max_size=2))]
    return EvaluatorCalendar("", rows, draw(st.sampled_from([15, 30, 45, 60])), draw(st.sampled_from(ZONES)),
                             leave, draw(st.sampled_from([0, 0, 1, 2, 3])))


@st.composite
def requests(draw):
    """Sorted by start as the database returns them; lengths 0 to 2 hours, overlapping freely."""
    origin = dt.datetime.combine(FIRST - dt.timedelta(days=1), dt.time())
    picks = draw(st.lists(st.tuples(st.integers(0, (DAYS + 2) * 96), st.integers(0, 8)), max_size=30))
    return sorted((origin + dt.timedelta(minutes=15 * s), origin + dt.timedelta(minutes=15 * (s + n)))
                  for s, n in picks)


@settings(max_examples=150, deadline=None)
@given(pool=st.lists(st.tuples(calendars(), requests()), min_size=1, max_size=3),
       not_before=st.integers(0, DAYS * 96), system_zone=st.sampled_from(ZONES), learner_zone=st.sampled_from(ZONES))
def test_interval_arithmetic_gives_the_enumerations_answer(pool, not_before, system_zone, learner_zone):
    cals = {f"eva{i}@example.com": cal for i, (cal, _booked) in enumerate(pool)}
    bookings = {f"eva{i}@example.com": booked for i, (_cal, booked) in enumerate(pool)}
    last = FIRST + dt.timedelta(days=DAYS - 1)
    start = dt.datetime.combine(FIRST, dt.time()) + dt.timedelta(minutes=15 * not_before)
    before = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    args = (cals, bookings, FIRST, last, start, before, system_zone, learner_zone)
    assert by_intervals(*args) == enumerated(*args)


@pytest.mark.parametrize("booked", [[], [(dt.datetime(2026, 3, 23, 9, 10), dt.datetime(2026, 3, 23, 9, 10))],
                                    [(dt.datetime(2026, 3, 23, 8), dt.datetime(2026, 3, 23, 12))]])
def test_gaps_keep_only_whole_slots(booked):
    """Zero-length and covering requests: the gap rule agrees with the sweep slot by slot."""
    starts = [dt.datetime(2026, 3, 23, 9) + dt.timedelta(minutes=30 * i) for i in range(4)]
    step = dt.timedelta(minutes=30)
    expected = [s for s in starts if not any(b0 < s + step and s < b1 for b0, b1 in booked)]
    assert availability.free_starts(starts, booked, step) == expected


def test_a_request_written_by_another_process_is_seen_on_the_next_read(lms):
    """Nothing in this process is told of the write (raw SQL, as another server or an import would commit it):
    the fingerprint read with the slots is what notices it. SQLite only: no dialect difference is involved."""
    course = make_course()
    make_evaluator("eva@example.com", [course], [("Monday", "09:00", "10:00")])
    monday = next_weekday(0)

    def starts():
        return [s["start_time"] for g in get_available_slots(course, from_date=monday, days=1) for s in g["slots"]]

    assert starts() == ["09:00:00", "09:30:00"]
    assert starts() == ["09:00:00", "09:30:00"]  # from what this process keeps
    table = smooth.db.table("LMS Certificate Request")
    begin = dt.datetime.combine(monday, dt.time(9))
    now = smooth.now_datetime()
    smooth.db.execute(insert(table).values(
        name="RAW-1", owner="Administrator", creation=now, modified=now, modified_by="Administrator", docstatus=0,
        idx=0, course=course, member="x@example.com", evaluator="eva@example.com", date=monday, day="Monday",
        start_time=dt.time(9), end_time=dt.time(9, 30), start_utc=begin, end_utc=begin + dt.timedelta(minutes=30),
        status="Pending", timezone="UTC"), write=True)
    smooth.db.commit()
    assert starts() == ["09:30:00"]
    smooth.db.execute(update(table).where(table.c.name == "RAW-1").values(
        status="Cancelled", modified=now + dt.timedelta(seconds=1)), write=True)
    smooth.db.commit()
    assert starts() == ["09:00:00", "09:30:00"]
