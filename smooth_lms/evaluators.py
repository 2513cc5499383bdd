"""Who evaluates a course: the cohort's evaluator, else the course's evaluator pool.

The pool is every Course Evaluator that lists the course, plus the course's default
evaluator. A booking locks the Course Evaluator row of the evaluator it takes and checks the
slot again under that lock, which makes the clash check and the insert atomic on MariaDB
(SQLite serialises writers anyway): bookings with different evaluators of a pool run side by
side, and one an evaluator is being booked by skips to the next (`lock`). Only when no one is
left to take does a booking wait for the whole pool, locked in name order (`lock_pool`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import smooth
from smooth import _
from smooth.exceptions import ValidationError
from smooth_lms import evaluator_gaps
from smooth_lms.permissions import is_staff
from smooth_lms.slots import DateRange, EvaluatorCalendar, ScheduleRow


class NoEvaluatorError(ValidationError):
    pass


COURSE_FIELDS = ["name", "title", "evaluation_required", "evaluator", "evaluation_slot_minutes"]


def course_settings(course: str) -> dict[str, Any]:
    """What booking needs to know about a course ({} for an unknown course), from the site cache: LMS Course is
    one of the `site_cache_doctypes`, changed by its authors, read by every booking and availability page."""
    return smooth.db.cached(("course settings", course),
                            lambda: smooth.db.get_value("LMS Course", course, COURSE_FIELDS, as_dict=True) or {})


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
    pool = set(smooth.db.cached(("evaluator pool", course), lambda: tuple(smooth.get_all(
        "Evaluator Course", filters={"course": course, "parenttype": "Course Evaluator"}, pluck="parent"))))
    if settings.get("evaluator"):
        pool.add(settings["evaluator"])
    if not pool:
        raise no_evaluator(course, settings.get("title") or course)
    return sorted(pool)


def no_evaluator(course: str, title: str) -> NoEvaluatorError:
    """Staff read how to fix it; a learner reads whom to ask, and staff get one LMS Evaluator Gap per course."""
    if is_staff(smooth.session.user):
        return NoEvaluatorError(
            _("No evaluator assigned to {0}: configure a Course Evaluator for {1} (or set the course's default "
              "evaluator) before learners can book", title, course))
    evaluator_gaps.report(course)
    return NoEvaluatorError(
        _("{0} has no evaluator yet, so its evaluation cannot be booked; the LMS staff have been told. Ask your "
          "training coordinator (or an LMS Moderator) when booking opens", title))


def slot_minutes(settings: dict[str, Any]) -> int:
    return int(settings.get("evaluation_slot_minutes")
               or smooth.db.get_single_value("LMS Settings", "default_slot_minutes") or 30)


CALENDAR_FIELDS = ["name", "timezone", "slot_minutes", "max_evaluations_per_day", "unavailable_from",
                   "unavailable_to"]


@dataclass(frozen=True)
class CalendarRows:
    """An evaluator's stored calendar as read (shared through the site cache: never changed in place)."""

    row: dict[str, Any]
    schedule: tuple[tuple[Any, Any, Any], ...]
    leave: tuple[tuple[Any, Any, Any], ...]


def calendar(evaluator: str, default_minutes: int) -> EvaluatorCalendar:
    """The evaluator's schedule and leave."""
    return calendars([evaluator], default_minutes)[evaluator]


def lock(evaluator: str) -> bool:
    """Lock the evaluator's Course Evaluator row until commit, unless another transaction holds it (then
    False, at once: MariaDB's SKIP LOCKED; SQLite's single writer never has to skip)."""
    return bool(smooth.db.get_all("Course Evaluator", filters={"name": evaluator}, pluck="name", for_update=True,
                                  skip_locked=True))


def lock_pool(pool: list[str]) -> None:
    """Lock the whole pool's rows until commit, waiting for them in name order (so two bookings never deadlock
    on each other's order)."""
    locked = smooth.db.get_all("Course Evaluator", filters={"name": ["in", pool]}, order_by="name asc",
                               pluck="name", for_update=True)
    missing = sorted(set(pool) - set(locked))
    if missing:
        raise no_calendar(missing[0])


def calendars(pool: list[str], default_minutes: int) -> dict[str, EvaluatorCalendar]:
    """`calendar` for a whole pool. The stored calendars come from the site cache (Course Evaluator and its
    tables are `site_cache_doctypes`: an edit anywhere clears them), else three queries."""
    zone = smooth.local.site.time_zone
    return dict(smooth.db.cached(("evaluator calendar objects", tuple(pool), default_minutes, zone),
                                 lambda: _built_calendars(pool, default_minutes)))


def _built_calendars(pool: list[str], default_minutes: int) -> dict[str, EvaluatorCalendar]:
    """The pool's calendars as the slot functions take them (immutable, so the site cache shares them)."""
    stored = _read_calendars(pool)
    return {user: _calendar(user, stored[user], default_minutes) for user in pool}


def own_zone(evaluator: str) -> str | None:
    """The time zone on the evaluator's Course Evaluator record (from the site cache); None when it has none."""
    try:
        stored = smooth.db.cached(("evaluator calendars", (evaluator,)), lambda: _read_calendars([evaluator]))
    except NoEvaluatorError:
        return None
    return stored[evaluator].row["timezone"] or None


def no_calendar(evaluator: str) -> NoEvaluatorError:
    return NoEvaluatorError(_("{0} is named as an evaluator but has no Course Evaluator record; create one with "
                              "their weekly schedule", evaluator))


def _read_calendars(pool: list[str]) -> dict[str, CalendarRows]:
    rows = {r["name"]: r for r in smooth.db.get_all("Course Evaluator", fields=CALENDAR_FIELDS,
                                                    filters={"name": ["in", pool]})}
    missing = [user for user in pool if user not in rows]
    if missing:
        raise no_calendar(missing[0])
    owners = {"parent": ["in", pool], "parenttype": "Course Evaluator"}
    schedules: dict[str, list[tuple[Any, Any, Any]]] = {user: [] for user in pool}
    for parent, *times in smooth.db.get_all("Evaluator Schedule", fields=["parent", "day", "start_time", "end_time"],
                                            filters=owners, order_by="idx asc", as_list=True):
        schedules[parent].append(tuple(times))
    leave: dict[str, list[tuple[Any, Any, Any]]] = {user: [] for user in pool}
    for parent, *dates in smooth.db.get_all("Evaluator Unavailability",
                                            fields=["parent", "from_date", "to_date", "reason"],
                                            filters=owners, order_by="idx asc", as_list=True):
        leave[parent].append(tuple(dates))
    return {user: CalendarRows(rows[user], tuple(schedules[user]), tuple(leave[user])) for user in pool}


def _calendar(user: str, stored: CalendarRows, default_minutes: int) -> EvaluatorCalendar:
    row = stored.row
    return EvaluatorCalendar(
        evaluator=user, schedule=tuple(ScheduleRow(day, start, end) for day, start, end in stored.schedule),
        slot_minutes=int(row["slot_minutes"] or default_minutes),
        zone=row["timezone"] or smooth.local.site.time_zone,
        unavailable=tuple(unavailable_ranges(list(stored.leave), row["unavailable_from"], row["unavailable_to"])),
        max_per_day=int(row["max_evaluations_per_day"] or 0))


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
    assigned longest ago, then by name; one grouped query for the pool, and a second only for those tied
    on the fewest (who goes first is all a booking uses)."""
    loads = {row[0]: int(row[1]) for row in smooth.db.get_all(
        "LMS Certificate Request", fields=["evaluator", "count(name) as pending"],
        filters={"evaluator": ["in", pool], "status": "Pending", "date": [">=", smooth.today()]},
        group_by="evaluator", order_by="", as_list=True)}
    fewest = min(loads.get(user, 0) for user in pool)
    tied = [user for user in pool if loads.get(user, 0) == fewest]
    latest = {row[0]: row[1] for row in smooth.db.get_all(
        "LMS Certificate Request", fields=["evaluator", "max(creation) as latest"],
        filters={"evaluator": ["in", tied]}, group_by="evaluator", order_by="", as_list=True)} if len(tied) > 1 else {}
    return sorted(pool, key=lambda user: (loads.get(user, 0), latest.get(user) or dt.datetime.min, user))
