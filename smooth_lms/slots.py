"""Evaluation slots: what an evaluator's weekly schedule offers, minus what is taken.

Pure functions over plain values, so booking validation and the availability API agree
by construction and both can be property-tested without a database. Schedules are in
the evaluator's zone; everything returned is naive system-zone time (how requests store it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from smooth.exceptions import ValidationError
from smooth_lms.timezones import localize, zone

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


def offered_slots(calendar: EvaluatorCalendar, first_day: dt.date, last_day: dt.date,
                  system_zone: str) -> Iterator[Slot]:
    """Every slot the schedule offers between two evaluator-local dates, in start order.

    Slots are cut from the start of each schedule row; a slot that would run past the row's
    end is not offered, and wall-clock times a DST change skips are left out.
    """
    step = dt.timedelta(minutes=calendar.slot_minutes)
    target = zone(system_zone)
    by_day: dict[str, list[ScheduleRow]] = {}
    for row in calendar.schedule:
        by_day.setdefault(row.day, []).append(row)
    for rows in by_day.values():
        rows.sort(key=lambda r: r.start)
    day = first_day
    while day <= last_day:
        if not any(day in r for r in calendar.unavailable):
            for row in by_day.get(WEEKDAYS[day.weekday()], ()):
                begin = dt.datetime.combine(day, row.start)
                finish = dt.datetime.combine(day, row.end)
                delta = _constant_shift(begin, finish, calendar.zone, target)
                while begin + step <= finish:
                    if delta is not None:  # no DST change inside the row: plain arithmetic
                        yield Slot(begin + delta, begin + step + delta, calendar.evaluator)
                    else:
                        slot = _to_system(calendar, begin, step, target)
                        if slot is not None:
                            yield slot
                    begin += step
        day += dt.timedelta(days=1)


def _constant_shift(begin: dt.datetime, finish: dt.datetime, source: str, target: dt.tzinfo) -> dt.timedelta | None:
    """System minus local wall clock, when it is the same at both ends of a schedule row."""
    try:
        first = localize(begin.date(), begin.time(), source).astimezone(target).replace(tzinfo=None) - begin
        last = localize(finish.date(), finish.time(), source).astimezone(target).replace(tzinfo=None) - finish
    except ValidationError:
        return None
    return first if first == last else None


def _to_system(calendar: EvaluatorCalendar, begin: dt.datetime, step: dt.timedelta, target: dt.tzinfo) -> Slot | None:
    try:
        start = localize(begin.date(), begin.time(), calendar.zone).astimezone(dt.UTC)
    except ValidationError:
        return None
    end = start + step  # in UTC: a slot keeps its real length across a DST change
    return Slot(start.astimezone(target).replace(tzinfo=None), end.astimezone(target).replace(tzinfo=None),
                calendar.evaluator)


def free_slots(offered: Iterable[Slot], booked: Sequence[tuple[dt.datetime, dt.datetime]], *,
               not_before: dt.datetime, last_date: dt.date | None = None, max_per_day: int = 0) -> Iterator[Slot]:
    """Offered slots that start at or after `not_before`, fall on or before `last_date` and overlap no booking.

    Both sequences are sorted by start and slots of one calendar have one length, so slot ends
    only grow: the bookings starting before a slot's end form a growing prefix, and the slot
    collides exactly when the latest end in that prefix is after the slot's start. One sweep,
    O(slots + bookings).
    """
    per_day: dict[dt.date, int] = {}
    if max_per_day:
        for start, _end in booked:
            per_day[start.date()] = per_day.get(start.date(), 0) + 1
    position = 0
    latest_end = dt.datetime.min
    for slot in offered:
        while position < len(booked) and booked[position][0] < slot.end:
            latest_end = max(latest_end, booked[position][1])
            position += 1
        if latest_end > slot.start:
            continue
        if slot.start < not_before or (last_date is not None and slot.start.date() > last_date):
            continue
        if max_per_day and per_day.get(slot.start.date(), 0) >= max_per_day:
            continue
        yield slot
