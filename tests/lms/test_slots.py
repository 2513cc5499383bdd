"""Slot generation and the one-sweep merge with bookings, checked against a brute-force model."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from smooth_lms.slots import (
    WEEKDAYS,
    DateRange,
    EvaluatorCalendar,
    ScheduleRow,
    Slot,
    free_slots,
    offered_slots,
    offers,
)

MONDAY = dt.date(2026, 12, 7)


def calendar(**kwargs):
    base = dict(evaluator="ev@example.com", schedule=[ScheduleRow("Monday", dt.time(9), dt.time(11))],
                slot_minutes=30, zone="UTC")
    base.update(kwargs)
    return EvaluatorCalendar(**base)


def test_schedule_rows_are_cut_into_aligned_slots_within_the_row():
    slots = list(offered_slots(calendar(slot_minutes=45), MONDAY, MONDAY))
    assert [(s.start.time(), s.end.time()) for s in slots] == [(dt.time(9), dt.time(9, 45)),
                                                             (dt.time(9, 45), dt.time(10, 30))]


def test_only_the_rows_weekday_offers_slots():
    assert list(offered_slots(calendar(), MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=6))) == []


def test_unavailable_dates_offer_nothing():
    cal = calendar(unavailable=[DateRange(MONDAY, MONDAY, "leave")])
    assert list(offered_slots(cal, MONDAY, MONDAY)) == []


def test_evaluator_zone_is_converted_to_system_time():
    slots = list(offered_slots(calendar(zone="Asia/Kolkata"), MONDAY, MONDAY))
    assert slots[0].start == dt.datetime(2026, 12, 7, 3, 30)


def test_slot_keeps_its_real_length_across_dst():
    # a Sunday row in Berlin across the 2026-10-25 fall-back: 02:00-03:00 local has 60 real minutes per slot
    cal = calendar(zone="Europe/Berlin", schedule=[ScheduleRow("Sunday", dt.time(1), dt.time(4))], slot_minutes=60)
    slots = list(offered_slots(cal, dt.date(2026, 10, 25), dt.date(2026, 10, 25)))
    assert all(s.end - s.start == dt.timedelta(hours=1) for s in slots)


def test_booked_overlap_removes_every_touched_slot_but_not_neighbours():
    slots = list(offered_slots(calendar(), MONDAY, MONDAY))
    booked = [(dt.datetime(2026, 12, 7, 9, 15), dt.datetime(2026, 12, 7, 9, 45))]
    free = list(free_slots(slots, booked, not_before=dt.datetime.min))
    assert [s.start.time() for s in free] == [dt.time(10), dt.time(10, 30)]


def test_past_slots_and_slots_after_the_last_date_are_not_offered():
    slots = list(offered_slots(calendar(), MONDAY, MONDAY + dt.timedelta(days=7)))
    free = list(free_slots(slots, [], not_before=dt.datetime(2026, 12, 7, 10), before=dt.datetime(2026, 12, 8)))
    assert [s.start for s in free] == [dt.datetime(2026, 12, 7, 10), dt.datetime(2026, 12, 7, 10, 30)]


def test_daily_cap_hides_a_full_day():
    slots = list(offered_slots(calendar(), MONDAY, MONDAY))
    booked = [(dt.datetime(2026, 12, 7, 9), dt.datetime(2026, 12, 7, 9, 30))]
    assert list(free_slots(slots, booked, not_before=dt.datetime.min, max_per_day=1)) == []


times = st.integers(min_value=0, max_value=47).map(lambda h: dt.time(h // 2, 30 * (h % 2)))


@st.composite
def schedules(draw):
    rows = []
    for day in draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True)):
        a, b = sorted(draw(st.lists(times, min_size=2, max_size=2, unique=True)))
        rows.append(ScheduleRow(day, a, b))
    return rows


@settings(max_examples=150, deadline=None)
@given(
    schedule=schedules(),
    slot_minutes=st.sampled_from([15, 30, 45, 60]),
    evaluator_zone=st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"]),
    bookings=st.lists(st.tuples(st.integers(0, 14 * 24 * 4), st.integers(1, 16)), max_size=25),
    leave=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 3)), max_size=2),
)
def test_sweep_matches_brute_force(schedule, slot_minutes, evaluator_zone, bookings, leave):
    start_day = dt.date(2026, 3, 23)  # spans the March DST change in Berlin and New York
    cal = calendar(schedule=schedule, slot_minutes=slot_minutes, zone=evaluator_zone,
                   unavailable=[DateRange(start_day + dt.timedelta(days=a), start_day + dt.timedelta(days=a + n))
                                for a, n in leave])
    offered = list(offered_slots(cal, start_day, start_day + dt.timedelta(days=13)))
    origin = dt.datetime.combine(start_day, dt.time())
    booked = sorted((origin + dt.timedelta(minutes=15 * s), origin + dt.timedelta(minutes=15 * (s + n)))
                    for s, n in bookings)
    free = list(free_slots(offered, booked, not_before=dt.datetime.min))
    expected = [s for s in offered if not any(b0 < s.end and s.start < b1 for b0, b1 in booked)]
    assert free == expected
    assert all(isinstance(s, Slot) and s.end - s.start == dt.timedelta(minutes=slot_minutes) for s in free)
    assert free == sorted(free)
    for s in free:
        local_day = s.start.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(evaluator_zone)).date()
        assert not any(local_day in r for r in cal.unavailable)


@settings(max_examples=150, deadline=None)
@given(
    schedule=schedules(),
    slot_minutes=st.sampled_from([15, 30, 45, 60]),
    evaluator_zone=st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"]),
    asked=st.lists(st.tuples(st.integers(0, 13 * 24 * 4), st.sampled_from([15, 30, 45, 60])), max_size=20),
)
def test_a_bookings_slot_check_agrees_with_the_offered_slots(schedule, slot_minutes, evaluator_zone, asked):
    """`offers` (a pool booking's cheap check of one interval) says yes exactly for the offered slots, DST included."""
    start_day = dt.date(2026, 10, 19)  # spans the October DST change in Berlin and the November one in New York
    cal = calendar(schedule=schedule, slot_minutes=slot_minutes, zone=evaluator_zone)
    offered = set(offered_slots(cal, start_day - dt.timedelta(days=1), start_day + dt.timedelta(days=15)))
    origin = dt.datetime.combine(start_day, dt.time())
    tz = zoneinfo.ZoneInfo(evaluator_zone)
    candidates = [(s.start, s.end) for s in offered] + [
        (origin + dt.timedelta(minutes=15 * a), origin + dt.timedelta(minutes=15 * a + length)) for a, length in asked]
    for start, end in candidates:
        local_day = start.replace(tzinfo=dt.UTC).astimezone(tz).date()
        if not start_day <= local_day <= start_day + dt.timedelta(days=14):
            continue
        assert offers(cal, start, end, local_day) == (Slot(start, end, cal.evaluator) in offered)
