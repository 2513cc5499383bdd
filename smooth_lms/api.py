"""Whitelisted LMS methods (served at /api/method/smooth_lms.api.<name>)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth.model.coerce import DATE_RANGE, CoercionError, to_date, to_time
from smooth_lms import evaluators
from smooth_lms.slots import Slot, free_slots, offered_slots
from smooth_lms.timezones import utc_offset_label, zone

MAX_WINDOW_DAYS = 366


@smooth.whitelist()
def get_available_slots(course: str, batch: str | None = None, from_date: str | dt.date | None = None,
                        days: int = 60, timezone: str | None = None) -> list[dict[str, Any]]:
    """Free evaluation slots for `course` (through cohort `batch`), grouped by date in the learner's zone.

    Each slot carries what to book (system `date`, `start_time`, `end_time`) and what to show
    (`local_date`, `local_start_time`, `local_end_time` in `timezone`). A pool's slots are merged:
    a time is offered while any of its evaluators is free.
    """
    system_zone = smooth.local.site.time_zone
    learner_zone = timezone or smooth.db.get_value("User", smooth.session.user, "time_zone") or system_zone
    zone(learner_zone)
    days = max(1, min(int(days or 60), MAX_WINDOW_DAYS))
    try:
        first = to_date(from_date) if from_date else smooth.today()
    except CoercionError as exc:
        raise smooth.ValidationError(f"from_date {from_date!r} {exc}") from None
    last = min(first + dt.timedelta(days=days - 1), DATE_RANGE[1])  # the window ends where dates end
    end_limit = _evaluation_end(batch)
    if end_limit is not None:
        last = min(last, end_limit)
    if last < first:
        return []
    settings = evaluators.course_settings(course)
    pool = evaluators.get_evaluator(course, batch, settings)
    default_minutes = evaluators.slot_minutes(settings)
    notice = int(smooth.db.get_single_value("LMS Settings", "min_booking_notice_hours") or 0)
    not_before = max(smooth.now_datetime() + dt.timedelta(hours=notice), dt.datetime.combine(first, dt.time()))
    bookings = evaluators.booked_intervals(pool, first - dt.timedelta(days=1), last + dt.timedelta(days=1))
    offered: dict[tuple[dt.datetime, dt.datetime], int] = {}
    for user in pool:
        cal = evaluators.calendar(user, default_minutes)
        slots = offered_slots(cal, first - dt.timedelta(days=1), last + dt.timedelta(days=1), system_zone)
        for slot in free_slots(slots, bookings.get(user, []), not_before=not_before, last_date=last,
                               max_per_day=cal.max_per_day):
            offered[(slot.start, slot.end)] = offered.get((slot.start, slot.end), 0) + 1
    return _group([Slot(s, e) for s, e in sorted(offered)], offered, system_zone, learner_zone)


def _evaluation_end(batch: str | None) -> dt.date | None:
    if not batch:
        return None
    values = smooth.db.get_value("LMS Batch", batch, ["evaluation_end_date", "end_date"], as_dict=True) or {}
    limits = [v for v in values.values() if v]
    return min(limits) if limits else None


def _group(slots: list[Slot], counts: dict[tuple[dt.datetime, dt.datetime], int], system_zone: str,
           learner_zone: str) -> list[dict[str, Any]]:
    source, target = zone(system_zone), zone(learner_zone)
    groups: dict[dt.date, dict[str, Any]] = {}
    shifts: dict[dt.date, dt.timedelta | None] = {}
    for slot in slots:
        day = slot.start.date()
        if day not in shifts:
            shifts[day] = _day_shift(day, source, target)
        shift = shifts[day]
        if shift is not None and slot.end.date() == day:
            local_start, local_end = slot.start + shift, slot.end + shift
        else:
            local_start = slot.start.replace(tzinfo=source).astimezone(target).replace(tzinfo=None)
            local_end = slot.end.replace(tzinfo=source).astimezone(target).replace(tzinfo=None)
        group = groups.get(local_start.date())
        if group is None:
            group = groups[local_start.date()] = {
                "date": local_start.date().isoformat(),
                "label": f"{local_start:%A, %d %B %Y}",
                "timezone": utc_offset_label(learner_zone, local_start),
                "slots": [],
            }
        group["slots"].append({
            "date": slot.start.date().isoformat(),
            "start_time": slot.start.time().isoformat(),
            "end_time": slot.end.time().isoformat(),
            "local_date": local_start.date().isoformat(),
            "local_start_time": f"{local_start:%H:%M}",
            "local_end_time": f"{local_end:%H:%M}",
            "local_end_date": local_end.date().isoformat(),
            "evaluators_free": counts[(slot.start, slot.end)],
        })
    return list(groups.values())


def _day_shift(day: dt.date, source: dt.tzinfo, target: dt.tzinfo) -> dt.timedelta | None:
    """Learner minus system wall clock for a whole system day, unless a DST change falls inside it."""
    shifts = set()
    for moment in (dt.datetime.combine(day, dt.time()), dt.datetime.combine(day, dt.time(23, 59, 59))):
        shifts.add(moment.replace(tzinfo=source).astimezone(target).replace(tzinfo=None) - moment)
    return shifts.pop() if len(shifts) == 1 else None


@smooth.whitelist(methods=["POST"])
def book_evaluation(course: str, date: str, start_time: str, batch: str | None = None,
                    timezone: str | None = None) -> dict[str, Any]:
    """Book the slot the learner picked on their own clock (`date`, `start_time` in `timezone`)."""
    system_day, system_time = _to_system(date, start_time, timezone)
    request = smooth.get_doc({"doctype": "LMS Certificate Request", "course": course, "batch_name": batch,
                              "member": smooth.session.user, "date": system_day, "start_time": system_time,
                              "timezone": timezone}).insert()
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
                          reason: str | None = None) -> dict[str, Any]:
    """Move a Pending request to another slot (on the learner's clock); all or nothing."""
    request = smooth.get_doc("LMS Certificate Request", name, for_update=True)
    request.check_permission("read")
    system_day, system_time = _to_system(date, start_time, timezone or request.timezone)
    request.reschedule(system_day, system_time, reason=reason)
    return request.as_dict(convert_dates_to_str=True)


def _to_system(date: str, start_time: str, timezone: str | None) -> tuple[dt.date, dt.time]:
    from smooth_lms.timezones import convert

    system_zone = smooth.local.site.time_zone
    learner_zone = timezone or smooth.db.get_value("User", smooth.session.user, "time_zone") or system_zone
    try:
        day, clock = to_date(date), to_time(start_time)
    except CoercionError as exc:
        raise smooth.ValidationError(f"{date!r} / {start_time!r}: {exc}") from None
    if day is None or clock is None:
        raise smooth.ValidationError("Pick a date and a start time")
    return convert(day, clock, learner_zone, system_zone)
