"""Free evaluation time as interval arithmetic, kept per evaluator until one of its requests changes.

An evaluator's free slots over a window are the slots its calendar offers (a pure function of the
calendar and the dates, computed once per process) that fit in a gap between its busy intervals: the
window's non-cancelled requests, merged. Gaps are cut out of the sorted slot starts with bisect, so the
work follows the bookings, not the slots; a daily cap then drops the days it fills.

Each evaluator's free starts are kept in this process under a fingerprint the database gives for the
whole pool in one query on the (evaluator, start_utc, ...) index: the number of the evaluator's requests
in the window and their latest `modified`. A booking, cancellation, reschedule or deletion committed by
any server process changes it, so the next read anywhere recomputes that evaluator alone (its requests
read as three columns of the window, never the history). What it cannot see is a write that keeps both
the count and the latest `modified` (a raw UPDATE without a new `modified`, or an update whose
`modified` is older than another request's of the same evaluator and commits after a read): the
booking's own checks still refuse a slot taken that way.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Hashable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import smooth
from smooth_lms import evaluators
from smooth_lms.slots import DateRange, EvaluatorCalendar, ScheduleRow, offered_slots
from smooth_lms.timezones import wall_clock, zone

Interval = tuple[dt.datetime, dt.datetime]
CACHE_SIZE = 512  # per-evaluator windows of a few hundred starts: tens of MB at most


class _Kept:
    """A small LRU shared by the threads of one process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_free = _Kept(CACHE_SIZE)
_pools = _Kept(CACHE_SIZE // 8)


CalendarKey = tuple[tuple[ScheduleRow, ...], int, str, tuple[DateRange, ...]]


def calendar_key(cal: EvaluatorCalendar) -> CalendarKey:
    """What the offered slots depend on (not who the evaluator is)."""
    return tuple(cal.schedule), cal.slot_minutes, cal.zone, tuple(cal.unavailable)


@lru_cache(maxsize=256)
def _offered_starts(key: CalendarKey, first: dt.date, last: dt.date) -> tuple[dt.datetime, ...]:
    schedule, minutes, zone_name, unavailable = key
    cal = EvaluatorCalendar("", schedule, minutes, zone_name, unavailable)
    return tuple(slot.start for slot in offered_slots(cal, first, last))


def offered_starts(cal: EvaluatorCalendar, first: dt.date, last: dt.date) -> tuple[dt.datetime, ...]:
    """The sorted UTC starts of every slot the calendar offers on evaluator-local dates [first, last]."""
    return _offered_starts(calendar_key(cal), first, last)


def merged(booked: Sequence[Interval]) -> Iterator[Interval]:
    """Busy intervals (sorted by start) merged into disjoint ones; touching ones join."""
    run_start = run_end = None
    for start, end in booked:
        end = max(start, end)
        if run_end is not None and start <= run_end:
            run_end = max(run_end, end)
            continue
        if run_start is not None and run_end is not None:
            yield run_start, run_end
        run_start, run_end = start, end
    if run_start is not None and run_end is not None:
        yield run_start, run_end


def free_starts(starts: Sequence[dt.datetime], booked: Sequence[Interval], step: dt.timedelta) -> list[dt.datetime]:
    """The starts whose slot [start, start + step) fits in a gap between the busy intervals."""
    free: list[dt.datetime] = []
    gap_start, position = dt.datetime.min, 0
    for busy_start, busy_end in merged(booked):
        low = bisect_left(starts, gap_start, position)
        position = max(low, bisect_right(starts, busy_start - step, low))
        free.extend(starts[low:position])
        gap_start = busy_end
    free.extend(starts[bisect_left(starts, gap_start, position):])
    return free


def evaluator_free(cal: EvaluatorCalendar, first: dt.date, last: dt.date,
                   booked: Sequence[Interval]) -> tuple[dt.datetime, ...]:
    """Free slot starts of one evaluator on evaluator-local dates [first, last], given its sorted bookings."""
    free = free_starts(offered_starts(cal, first, last), booked, dt.timedelta(minutes=cal.slot_minutes))
    if cal.max_per_day and booked:
        tz = zone(cal.zone)
        per_day = Counter(wall_clock(start, tz).date() for start, _end in booked)
        full = {day for day, count in per_day.items() if count >= cal.max_per_day}
        if full:
            free = [start for start in free if wall_clock(start, tz).date() not in full]
    return tuple(free)


def fingerprints(pool: list[str], first: dt.datetime, last: dt.datetime) -> dict[str, Hashable]:
    """Per evaluator, the count and latest `modified` of its requests starting in [first, last): one index scan."""
    rows = smooth.db.get_all("LMS Certificate Request",
                             fields=["evaluator", "count(*) as requests", "max(modified) as changed"],
                             filters=[["evaluator", "in", pool], ["start_utc", ">=", first], ["start_utc", "<", last]],
                             group_by="evaluator", order_by="", as_list=True)
    found: dict[str, Hashable] = {user: (0, None) for user in pool}
    found.update({evaluator: (int(count), changed) for evaluator, count, changed in rows})
    return found


def pool_free(pool: list[str], calendars: dict[str, EvaluatorCalendar], first: dt.date, last: dt.date,
              reads_from: dt.datetime, reads_to: dt.datetime) -> dict[Interval, int]:
    """Every free slot of the pool on evaluator-local dates [first, last], with how many evaluators are free then.

    Requests starting from a day before `reads_from` to `reads_to` (UTC) are read (`evaluators.booked_intervals`),
    only for evaluators whose fingerprint changed since this process last computed them. The answer is shared
    (sorted by start): callers must not change it.
    """
    site = smooth.local.site.name
    prints = fingerprints(pool, reads_from - dt.timedelta(days=1), reads_to)
    keys = {user: (site, user, calendar_key(calendars[user]), calendars[user].max_per_day, first, last,
                   reads_from, reads_to, prints[user]) for user in pool}
    pool_key = tuple(keys[user] for user in pool)
    counted = _pools.get(pool_key)
    if counted is not None:
        return counted
    free: dict[str, tuple[dt.datetime, ...] | None] = {user: _free.get(keys[user]) for user in pool}
    stale = [user for user in pool if free[user] is None]
    if stale:
        bookings = evaluators.booked_intervals(stale, reads_from, reads_to)
        for user in stale:
            free[user] = evaluator_free(calendars[user], first, last, bookings.get(user, []))
            _free.put(keys[user], free[user])
    counted = count_free(free, calendars)
    _pools.put(pool_key, counted)
    return counted


def count_free(free: Mapping[str, Sequence[dt.datetime] | None],
               calendars: Mapping[str, EvaluatorCalendar]) -> dict[Interval, int]:
    """Each evaluator's free starts merged: every free slot with how many evaluators are free then, by start."""
    by_length: dict[int, Counter[dt.datetime]] = {}
    for user, starts in free.items():
        by_length.setdefault(calendars[user].slot_minutes, Counter()).update(starts or ())
    counts: dict[Interval, int] = {}
    for minutes, counter in by_length.items():
        step = dt.timedelta(minutes=minutes)
        for start, count in counter.items():
            counts[(start, start + step)] = counts.get((start, start + step), 0) + count
    return dict(sorted(counts.items()))


def between(offered: Mapping[Interval, int], not_before: dt.datetime, before: dt.datetime) -> list[Interval]:
    """The offered slots starting in [not_before, before) (`offered` is sorted by start)."""
    slots = list(offered)
    starts = [start for start, _end in slots]
    return slots[bisect_left(starts, not_before):bisect_left(starts, before)]


def forget() -> None:
    """Drop what this process keeps (tests that rewrite requests behind the fingerprint's back)."""
    _free.clear()
    _pools.clear()
