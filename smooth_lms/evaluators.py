"""Who evaluates a course: the cohort's evaluator, else the course's evaluator pool.

The pool is every Course Evaluator that lists the course, plus the course's default
evaluator. Booking locks the pool's Course Evaluator rows (in name order, so two bookings
never deadlock) before it looks at anyone's calendar, which makes the clash check and the
insert atomic on MariaDB; SQLite serialises writers anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth.exceptions import ValidationError
from smooth_lms.slots import DateRange, EvaluatorCalendar, ScheduleRow


class NoEvaluatorError(ValidationError):
    pass


def course_title(course: str) -> str:
    return smooth.db.get_value("LMS Course", course, "title") or course


def get_evaluator(course: str, batch: str | None = None) -> list[str]:
    """Evaluator users for a booking of `course` (through `batch`), as a pool; never empty."""
    if batch:
        row = smooth.get_all("Batch Course", fields=["evaluator"],
                             filters={"parent": batch, "parenttype": "LMS Batch", "course": course}, limit=1)
        chosen = (row[0]["evaluator"] if row else None) or smooth.db.get_value("LMS Batch", batch, "evaluator")
        if chosen:
            return [_user_of(chosen)]
    pool = set(smooth.get_all("Evaluator Course", filters={"course": course, "parenttype": "Course Evaluator"},
                              pluck="parent"))
    default = smooth.db.get_value("LMS Course", course, "evaluator")
    if default:
        pool.add(default)
    if not pool:
        raise NoEvaluatorError(
            f"No evaluator assigned to {course_title(course)}: configure a Course Evaluator for {course} "
            "(or set the course's default evaluator) before learners can book")
    return sorted(_user_of(name) for name in pool)


def _user_of(course_evaluator: str) -> str:
    return smooth.db.get_value("Course Evaluator", course_evaluator, "evaluator") or course_evaluator


def lock(evaluators: list[str]) -> None:
    """Hold the Course Evaluator rows until commit: bookings for these evaluators run one at a time."""
    for name in sorted(evaluators):
        smooth.db.get_value("Course Evaluator", {"evaluator": name}, "name", for_update=True)


def calendar(evaluator: str, course: str) -> EvaluatorCalendar:
    doc = smooth.get_doc("Course Evaluator", smooth.db.get_value("Course Evaluator", {"evaluator": evaluator}) or
                         evaluator)
    return EvaluatorCalendar(
        evaluator=evaluator,
        schedule=[ScheduleRow(r.day, r.start_time, r.end_time) for r in doc.schedule],
        slot_minutes=int(doc.slot_minutes or smooth.db.get_value("LMS Course", course, "evaluation_slot_minutes")
                         or smooth.db.get_single_value("LMS Settings", "default_slot_minutes") or 30),
        zone=doc.timezone or smooth.local.site.time_zone,
        unavailable=unavailable_ranges(doc),
        max_per_day=int(doc.max_evaluations_per_day or 0),
    )


def unavailable_ranges(doc: Any) -> list[DateRange]:
    ranges = [DateRange(r.from_date, r.to_date, r.reason or "") for r in doc.unavailability]
    if doc.unavailable_from:
        ranges.append(DateRange(doc.unavailable_from, doc.unavailable_to or doc.unavailable_from))
    return ranges


def booked_intervals(pool: list[str], first: dt.date, last: dt.date, exclude: str | None = None) -> dict[
        str, list[tuple[dt.datetime, dt.datetime]]]:
    """Non-cancelled requests of the pool in the window, per evaluator and sorted: one query on (evaluator, date)."""
    from smooth_lms.timezones import interval

    filters: list[Any] = [["evaluator", "in", pool], ["date", "between", [first, last]],
                          ["status", "!=", "Cancelled"]]
    if exclude:
        filters.append(["name", "!=", exclude])
    rows = smooth.db.get_all("LMS Certificate Request", fields=["evaluator", "date", "start_time", "end_time"],
                             filters=filters, order_by="date asc, start_time asc", as_list=True)
    by_evaluator: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {user: [] for user in pool}
    for evaluator, day, start, end in rows:
        by_evaluator.setdefault(evaluator, []).append(interval(day, start, end or start))
    for intervals in by_evaluator.values():
        intervals.sort()
    return by_evaluator


def load(evaluator: str) -> int:
    """Pending evaluations from today on: the least-loaded evaluator of a pool gets the next one."""
    return smooth.db.count("LMS Certificate Request", {"evaluator": evaluator, "status": "Pending",
                                                       "date": [">=", smooth.today()]})


def last_assigned(evaluator: str) -> dt.datetime:
    value = smooth.db.get_value("LMS Certificate Request", {"evaluator": evaluator}, "creation",
                                order_by="creation desc")
    return value or dt.datetime.min
