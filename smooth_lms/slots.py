"""Evaluation slots: what an evaluator's weekly schedule offers, minus what is taken.

Pure functions over plain values, so booking validation and the availability API agree
by construction and both can be tested without a database. Schedules are wall clock in the
evaluator's zone; every slot is a pair of naive UTC instants, so slots and bookings compare
correctly whichever zones changed their clocks in between.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from smooth_lms.timezones import instants, wall_clock, zone

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ScheduleRow:
    day: str
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date
    reason: str = ""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class EvaluatorCalendar:
    """Everything needed to compute one evaluator's free slots."""

    evaluator: str
    schedule: Sequence[ScheduleRow]
    slot_minutes: int
    zone: str
    unavailable: Sequence[DateRange] = ()
    max_per_day: int = 0


@dataclass(frozen=True, order=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    evaluator: str = ""


def offered_slots(calendar: EvaluatorCalendar, first_day: dt.date, last_day: dt.date) -> Iterator[Slot]:
    """Every slot the schedule offers between two evaluator-local dates, as UTC instants in start order.

    Slots are cut on the evaluator's wall clock from each row's start (so they read 09:00, 09:45, ...
    every day) and last `slot_minutes` of real time. A wall-clock start the spring-forward skips
    offers nothing; one the fall-back repeats offers both occurrences (the repeated-hour policy). A
    slot ends on the wall clock by the row's end, and a slot that would overlap the previous one
    (next to a DST change, when the slot length does not divide the hour) is left out.
    """
    step = dt.timedelta(minutes=calendar.slot_minutes)
    for start in offered_starts(calendar, first_day, last_day):
        yield Slot(start, start + step, calendar.evaluator)


def offered_starts(calendar: EvaluatorCalendar, first_day: dt.date, last_day: dt.date) -> Iterator[dt.datetime]:
    """The UTC starts of `offered_slots` (each slot lasts `slot_minutes`), without building a Slot for each."""
    step = dt.timedelta(minutes=calendar.slot_minutes)
    by_day: dict[str, list[ScheduleRow]] = {}
    for row in calendar.schedule:
        by_day.setdefault(row.day, []).append(row)
    for rows in by_day.values():
        rows.sort(key=lambda r: r.start)
    previous_end = dt.datetime.min
    day = first_day
    while day <= last_day:
        if not any(day in r for r in calendar.unavailable):
            for row in by_day.get(WEEKDAYS[day.weekday()], ()):
                for start in row_starts(day, row.start, row.end, calendar.slot_minutes, calendar.zone):
                    if start >= previous_end:
                        previous_end = start + step
                        yield start
        day += dt.timedelta(days=1)


def offers(calendar: EvaluatorCalendar, start: dt.datetime, end: dt.datetime, local_day: dt.date) -> bool:
    """Whether [start, end) is one of the slots offered around the evaluator-local date of `start` (a booking's
    check of each evaluator in a pool: it stops at the first start past the one asked for)."""
    if end - start != dt.timedelta(minutes=calendar.slot_minutes):
        return False
    for offered in offered_starts(calendar, local_day - dt.timedelta(days=1), local_day + dt.timedelta(days=1)):
        if offered >= start:
            return offered == start
    return False


@lru_cache(maxsize=65536)
def row_starts(day: dt.date, row_start: dt.time, row_end: dt.time, minutes: int, zone_name: str) -> tuple[
        dt.datetime, ...]:
    """The UTC starts of one schedule row's slots on one date, sorted (cached: a pool's evaluators
    usually share rows, zone and slot length, and booking re-reads the same days)."""
    step = dt.timedelta(minutes=minutes)
    tz = zone(zone_name)
    wall = dt.datetime.combine(day, row_start)
    end = dt.datetime.combine(day, row_end)
    current = instants(wall, tz)
    starts = []
    while wall < end:
        next_wall = wall + step
        following = instants(next_wall, tz)
        for start in current:
            end_wall = next_wall if following == (start + step,) else wall_clock(start + step, tz)
            if end_wall <= end:
                starts.append(start)
        wall, current = next_wall, following
    return tuple(sorted(starts))  # a repeated hour lists both occurrences of a wall-clock time together


def free_slots(offered: Iterable[Slot], booked: Sequence[tuple[dt.datetime, dt.datetime]], *,
               not_before: dt.datetime, before: dt.datetime | None = None, max_per_day: int = 0,
               day_of: Callable[[dt.datetime], dt.date] = dt.datetime.date) -> Iterator[Slot]:
    """Offered slots starting in [`not_before`, `before`) that overlap no booking.

    Both sequences are sorted by start and slots of one calendar never overlap, so slot ends
    only grow: the bookings starting before a slot's end form a growing prefix, and the slot
    collides exactly when the latest end in that prefix is after the slot's start. One sweep,
    O(slots + bookings). `max_per_day` caps bookings per `day_of(start)` (the evaluator's date).
    """
    per_day: dict[dt.date, int] = {}
    if max_per_day:
        for start, _end in booked:
            per_day[day_of(start)] = per_day.get(day_of(start), 0) + 1
    position = 0
    latest_end = dt.datetime.min
    for slot in offered:
        while position < len(booked) and booked[position][0] < slot.end:
            latest_end = max(latest_end, booked[position][1])
            position += 1
        if latest_end > slot.start:
            continue
        if slot.start < not_before or (before is not None and slot.start >= before):
            continue
        if max_per_day and per_day.get(day_of(slot.start), 0) >= max_per_day:
            continue
        yield slot
