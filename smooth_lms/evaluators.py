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
from smooth_lms import evaluator_gaps
from smooth_lms.permissions import is_staff
from smooth_lms.slots import DateRange, EvaluatorCalendar, ScheduleRow


class NoEvaluatorError(ValidationError):
    pass


COURSE_FIELDS = ["name", "title", "evaluation_required", "evaluator", "evaluation_slot_minutes"]


def course_settings(course: str) -> dict[str, Any]:
    """What booking needs to know about a course, in one read ({} for an unknown course)."""
    return smooth.db.get_value("LMS Course", course, COURSE_FIELDS, as_dict=True) or {}


def get_evaluator(course: str, batch: str | None = None, settings: dict[str, Any] | None = None) -> list[str]:
    """Evaluator users for a booking of `course` (through `batch`), as a pool; never empty.

    Course Evaluator records are named by their user (autoname field:evaluator), so a Link to
    one is the evaluator's user name.
    """
    if batch:
        row = smooth.get_all("Batch Course", fields=["evaluator"],
                             filters={"parent": batch, "parenttype": "LMS Batch", "course": course}, limit=1)
        chosen = (row[0]["evaluator"] if row else None) or smooth.db.get_value("LMS Batch", batch, "evaluator")
        if chosen:
            return [chosen]
    settings = settings if settings is not None else course_settings(course)
    pool = set(smooth.get_all("Evaluator Course", filters={"course": course, "parenttype": "Course Evaluator"},
                              pluck="parent"))
    if settings.get("evaluator"):
        pool.add(settings["evaluator"])
    if not pool:
        raise no_evaluator(course, settings.get("title") or course)
    return sorted(pool)


def no_evaluator(course: str, title: str) -> NoEvaluatorError:
    """Staff read how to fix it; a learner reads whom to ask, and staff get one LMS Evaluator Gap per course."""
    if is_staff(smooth.session.user):
        return NoEvaluatorError(
            f"No evaluator assigned to {title}: configure a Course Evaluator for {course} (or set the course's "
            "default evaluator) before learners can book")
    evaluator_gaps.report(course)
    return NoEvaluatorError(
        f"{title} has no evaluator yet, so its evaluation cannot be booked; the LMS staff have been told. "
        "Ask your training coordinator (or an LMS Moderator) when booking opens")


def slot_minutes(settings: dict[str, Any]) -> int:
    return int(settings.get("evaluation_slot_minutes")
               or smooth.db.get_single_value("LMS Settings", "default_slot_minutes") or 30)


CALENDAR_FIELDS = ["name", "timezone", "slot_minutes", "max_evaluations_per_day", "unavailable_from",
                   "unavailable_to"]


def calendar(evaluator: str, default_minutes: int, *, for_update: bool = False) -> EvaluatorCalendar:
    """The evaluator's schedule and leave; `for_update` also locks the Course Evaluator row until commit,
    so bookings for one evaluator run one at a time (lock a pool in name order: no deadlocks)."""
    row = smooth.db.get_value("Course Evaluator", evaluator, CALENDAR_FIELDS, as_dict=True, for_update=for_update)
    if row is None:
        raise NoEvaluatorError(f"{evaluator} is named as an evaluator but has no Course Evaluator record; "
                               "create one with their weekly schedule")
    owner = {"parent": evaluator, "parenttype": "Course Evaluator"}
    schedule = smooth.db.get_all("Evaluator Schedule", fields=["day", "start_time", "end_time"], filters=owner,
                                 order_by="idx asc", as_list=True)
    leave = smooth.db.get_all("Evaluator Unavailability", fields=["from_date", "to_date", "reason"],
                              filters=owner, order_by="idx asc", as_list=True)
    return EvaluatorCalendar(
        evaluator=evaluator,
        schedule=[ScheduleRow(day, start, end) for day, start, end in schedule],
        slot_minutes=int(row["slot_minutes"] or default_minutes),
        zone=row["timezone"] or smooth.local.site.time_zone,
        unavailable=unavailable_ranges(leave, row["unavailable_from"], row["unavailable_to"]),
        max_per_day=int(row["max_evaluations_per_day"] or 0),
    )


def calendars(pool: list[str], default_minutes: int, *, for_update: bool = False) -> dict[str, EvaluatorCalendar]:
    """`calendar` for a whole pool in three queries; `for_update` locks the pool's rows in name order
    (a booking), reading availability locks nothing."""
    rows = {r["name"]: r for r in smooth.db.get_all("Course Evaluator", fields=CALENDAR_FIELDS,
                                                    filters={"name": ["in", pool]}, order_by="name asc",
                                                    for_update=for_update)}
    missing = [user for user in pool if user not in rows]
    if missing:  # names the one without a record
        return {user: calendar(user, default_minutes, for_update=for_update) for user in pool}
    owners = {"parent": ["in", pool], "parenttype": "Course Evaluator"}
    schedules: dict[str, list[ScheduleRow]] = {user: [] for user in pool}
    for parent, day, start, end in smooth.db.get_all("Evaluator Schedule", fields=["parent", "day", "start_time",
                                                                                    "end_time"],
                                                     filters=owners, order_by="idx asc", as_list=True):
        schedules[parent].append(ScheduleRow(day, start, end))
    leave: dict[str, list[tuple[Any, Any, Any]]] = {user: [] for user in pool}
    for parent, start, end, reason in smooth.db.get_all("Evaluator Unavailability",
                                                        fields=["parent", "from_date", "to_date", "reason"],
                                                        filters=owners, order_by="idx asc", as_list=True):
        leave[parent].append((start, end, reason))
    return {user: EvaluatorCalendar(
        evaluator=user, schedule=schedules[user],
        slot_minutes=int(rows[user]["slot_minutes"] or default_minutes),
        zone=rows[user]["timezone"] or smooth.local.site.time_zone,
        unavailable=unavailable_ranges(leave[user], rows[user]["unavailable_from"], rows[user]["unavailable_to"]),
        max_per_day=int(rows[user]["max_evaluations_per_day"] or 0)) for user in pool}


def unavailable_ranges(rows: list[tuple[Any, Any, Any]], legacy_from: dt.date | None = None,
                       legacy_to: dt.date | None = None) -> list[DateRange]:
    """The unavailability table plus Frappe LMS's single unavailable_from/unavailable_to range."""
    ranges = [DateRange(start, end, reason or "") for start, end, reason in rows]
    if legacy_from:
        ranges.append(DateRange(legacy_from, legacy_to or legacy_from))
    return ranges


def booked_intervals(pool: list[str], first: dt.datetime, last: dt.datetime, exclude: str | None = None) -> dict[
        str, list[tuple[dt.datetime, dt.datetime]]]:
    """Non-cancelled requests of the pool starting in [first - 1 day, last), per evaluator, as sorted UTC instants.

    One query in the (evaluator, start_utc) index's own order (no sort); the day of slack catches a long request
    that began earlier.
    """
    filters: list[Any] = [["evaluator", "in", pool], ["start_utc", ">=", first - dt.timedelta(days=1)],
                          ["start_utc", "<", last], ["status", "!=", "Cancelled"]]
    if exclude:
        filters.append(["name", "!=", exclude])
    rows = smooth.db.get_all("LMS Certificate Request", fields=["evaluator", "start_utc", "end_utc"],
                             filters=filters, order_by="evaluator asc, start_utc asc", as_list=True)
    by_evaluator: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {user: [] for user in pool}
    for evaluator, start, end in rows:
        by_evaluator.setdefault(evaluator, []).append((start, end or start))
    return by_evaluator


def least_loaded_first(pool: list[str]) -> list[str]:
    """The pool ordered for the next assignment: fewest Pending evaluations from today on, then the one
    assigned longest ago, then by name; two grouped queries for the whole pool."""
    loads = {row[0]: int(row[1]) for row in smooth.db.get_all(
        "LMS Certificate Request", fields=["evaluator", "count(name) as pending"],
        filters={"evaluator": ["in", pool], "status": "Pending", "date": [">=", smooth.today()]},
        group_by="evaluator", order_by="", as_list=True)}
    latest = {row[0]: row[1] for row in smooth.db.get_all(
        "LMS Certificate Request", fields=["evaluator", "max(creation) as latest"],
        filters={"evaluator": ["in", pool]}, group_by="evaluator", order_by="", as_list=True)}
    return sorted(pool, key=lambda user: (loads.get(user, 0), latest.get(user) or dt.datetime.min, user))
