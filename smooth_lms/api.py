"""Whitelisted LMS methods (served at /api/method/smooth_lms.api.<name>)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import smooth
from smooth_lms import availability, evaluators
from smooth_lms.slot_labels import group_intervals
from smooth_lms.timezones import end_after, now_utc, to_utc, to_wall, zone

MAX_WINDOW_DAYS = 366


@dataclass(frozen=True)
class Offer:
    """Free slots of a course's pool over a window (sorted UTC instants), before they are labelled."""

    slots: list[availability.Interval]
    counts: Mapping[availability.Interval, int]  # evaluators free at each slot
    system_zone: str
    learner_zone: str
    pool: list[str]


@smooth.whitelist()
def get_available_slots(course: str, batch: str | None = None, from_date: str | dt.date | None = None,
                        days: int = 60, timezone: str | None = None) -> list[dict[str, Any]]:
    """Free evaluation slots for `course` (through cohort `batch`), grouped by date in the learner's zone.

    The window is `days` system-zone dates from `from_date`. Each slot carries what to show
    (`local_date`, `local_start_time`, `local_end_time` in `timezone`), its instants (`start_utc`,
    `end_utc`) and the learner's `utc_offset` at its start: a repeated hour lists its wall-clock
    times twice, and the offset is what tells the two apart when booking. System `date`,
    `start_time` and `end_time` are there for Frappe clients. A pool's slots are merged: a time
    is offered while any of its evaluators is free.
    """
    found = offer(course, batch, from_date, days, timezone)
    return group_intervals(found.slots, found.counts, found.system_zone, found.learner_zone)


def offer(course: str, batch: str | None = None, from_date: str | dt.date | None = None, days: int = 60,
          timezone: str | None = None) -> Offer:
    """`get_available_slots` before labelling, for a page that labels only the dates it shows (`pool` is empty
    when the window is: a cohort's evaluations have ended)."""
    system_zone = smooth.local.site.time_zone
    learner_zone = timezone or smooth.db.get_value("User", smooth.session.user, "time_zone") or system_zone
    zone(learner_zone)
    days = max(1, min(int(days or 60), MAX_WINDOW_DAYS))
    first = (smooth.input_date(from_date, "from_date") if from_date else None) or smooth.today()
    last = min(first + dt.timedelta(days=days - 1), smooth.MAX_DATE)  # the window ends where dates end
    end_limit = _evaluation_end(batch)
    if end_limit is not None:
        last = min(last, end_limit)
    if last < first:
        return Offer([], {}, system_zone, learner_zone, [])
    settings = evaluators.course_settings(course)
    pool = evaluators.get_evaluator(course, batch, settings)
    default_minutes = evaluators.slot_minutes(settings)
    notice = int(smooth.db.get_single_value("LMS Settings", "min_booking_notice_hours") or 0)
    window_start, window_end = _day_start(first, system_zone), _day_start(last + dt.timedelta(days=1), system_zone)
    not_before = max(now_utc() + dt.timedelta(hours=notice), window_start)
    offered = availability.pool_free(pool, evaluators.calendars(pool, default_minutes), first - dt.timedelta(days=1),
                                     last + dt.timedelta(days=1), window_start, window_end + dt.timedelta(days=1))
    return Offer(availability.between(offered, not_before, window_end), offered, system_zone, learner_zone, pool)


def _day_start(day: dt.date, zone_name: str) -> dt.datetime:
    """The first instant of a zone's date (fold=0 is the earlier of a repeated midnight, and a skipped midnight's
    fold=0 offset lands on the jump itself)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone(zone_name)).astimezone(dt.UTC).replace(tzinfo=None)


def _evaluation_end(batch: str | None) -> dt.date | None:
    if not batch:
        return None
    values = smooth.db.get_value("LMS Batch", batch, ["evaluation_end_date", "end_date"], as_dict=True) or {}
    limits: list[dt.date] = [v for v in values.values() if v]
    return min(limits) if limits else None


@smooth.whitelist(methods=["POST"])
def book_evaluation(course: str, date: str, start_time: str, batch: str | None = None,
                    timezone: str | None = None, utc_offset: str | None = None,
                    end_time: str | None = None) -> dict[str, Any]:
    """Book the slot the learner picked on their own clock (`date`, `start_time` in `timezone`).

    `utc_offset` (as listed with the slot) says which occurrence of a repeated hour is meant; `end_time`,
    when given, must be where the slot ends.
    """
    learner_zone = _learner_zone(timezone)
    start, end = _instants(date, start_time, end_time, learner_zone, utc_offset)
    request = smooth.get_doc({"doctype": "LMS Certificate Request", "course": course, "batch_name": batch,
                              "member": smooth.session.user, "timezone": timezone,
                              **_system_fields(start, end)}).insert()
    return request.as_dict(convert_dates_to_str=True)


@smooth.whitelist(methods=["POST"])
def cancel_evaluation(name: str, reason: str | None = None) -> dict[str, Any]:
    request = smooth.get_doc("LMS Certificate Request", name, for_update=True)
    request.check_permission("read")
    request.status = "Cancelled"
    if reason:
        request.cutoff_override_reason = reason
    request.save()
    return request.as_dict(convert_dates_to_str=True)


@smooth.whitelist(methods=["POST"])
def reschedule_evaluation(name: str, date: str, start_time: str, timezone: str | None = None,
                          reason: str | None = None, utc_offset: str | None = None) -> dict[str, Any]:
    """Move a Pending request to another slot (on the learner's clock); all or nothing."""
    request = smooth.get_doc("LMS Certificate Request", name, for_update=True)
    request.check_permission("read")
    start, _end = _instants(date, start_time, None, _learner_zone(timezone or request.timezone), utc_offset)
    fields = _system_fields(start, None)
    request.reschedule(fields["date"], fields["start_time"], reason=reason, start_utc=start)
    return request.as_dict(convert_dates_to_str=True)


def _learner_zone(timezone: str | None) -> str:
    return (timezone or smooth.db.get_value("User", smooth.session.user, "time_zone")
            or smooth.local.site.time_zone)


def _instants(date: str, start_time: str, end_time: str | None, learner_zone: str,
              utc_offset: str | None) -> tuple[dt.datetime, dt.datetime | None]:
    """The learner's wall clock as instants; an end time is the first time their clock reads it after the start."""
    day, clock = smooth.input_date(date, "date"), smooth.input_time(start_time, "start_time")
    end_clock = smooth.input_time(end_time, "end_time") if end_time else None
    if day is None or clock is None:
        raise smooth.ValidationError(smooth._("Pick a date and a start time"))
    start = to_utc(day, clock, learner_zone, utc_offset)
    if end_clock is None:
        return start, None
    end = end_after(start, end_clock, learner_zone)
    if end is None:
        raise smooth.ValidationError(smooth._("End time {0} is not after the start; leave it out",
                                              end_clock.strftime("%H:%M")))
    return start, end


def _system_fields(start: dt.datetime, end: dt.datetime | None) -> dict[str, Any]:
    system_zone = smooth.local.site.time_zone
    wall = to_wall(start, system_zone)
    fields: dict[str, Any] = {"date": wall.date(), "start_time": wall.time(), "start_utc": start}
    if end is not None:
        fields.update(end_time=to_wall(end, system_zone).time(), end_utc=end)
    return fields
