"""The learner's Certification section of a course: what is left, or the slot picker and booking.

Pages call these with plain values and show what comes back; every rule stays in the
controller and `smooth_lms.api`, so a refused booking reads exactly as the server words it.
A slot is named on the page by its UTC start (unique even in a repeated hour); booking turns
it back into the learner's wall clock and offset, which is what `book_evaluation` takes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import smooth
from smooth_lms import api, attempt_policy, certificates, evaluators, progress, request_states, slot_labels
from smooth_lms.calendar_file import google_calendar_link
from smooth_lms.learning import cohorts_with
from smooth_lms.progress import Lesson
from smooth_lms.timezones import describe, format_offset, now_utc, offset_at, to_wall, zone

REQUEST_FIELDS = ["name", "course", "course_title", "member", "member_name", "evaluator", "evaluator_name",
                  "batch_name", "batch_title", "timezone", "date", "start_time", "start_utc", "end_utc", "status",
                  "google_meet_link", "sequence", "meet_status", "meet_error"]


@cache
def time_zones() -> list[str]:
    """Every IANA zone name a learner may pick, sorted (no legacy aliases such as `US/Eastern`)."""
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
                  and z.split("/")[0] not in ("US", "Brazil", "Canada", "Chile", "Mexico")) + ["UTC"]


@dataclass
class Status:
    """Where a learner stands on a course's certification."""

    course: dict[str, Any]
    batch: str | None
    batch_title: str | None
    required: bool
    enrolled: bool
    progress: float
    lessons_left: list[Lesson] = field(default_factory=list)
    evaluation_end: dt.date | None = None
    pending: dict[str, Any] | None = None
    certified: str | None = None  # why a valid certificate leaves nothing to book yet (None: booking is open)
    renewal: str | None = None  # inside the renewal window: which certificate the booking renews
    waiting: str | None = None  # the attempt policy's why and until when (None: booking is open)

    @property
    def may_book(self) -> bool:
        """What the page offers matches what the request's controller accepts: no second request, no
        booking while certified outside the renewal window, content complete."""
        return self.required and self.content_complete and not self.pending and not self.certified \
            and not self.waiting

    @property
    def content_complete(self) -> bool:
        return self.enrolled and self.progress >= 100

    @property
    def to_go(self) -> str:
        """`3 lessons to go`, or the percentage left for a course whose lessons live elsewhere."""
        count = len(self.lessons_left)
        if count:
            return smooth._("{0} lesson to go", count) if count == 1 else smooth._("{0} lessons to go", count)
        return smooth._("{0}% of the course to go", round(100 - self.progress))


def status(user: str, course: dict[str, Any], batch: str | None = None) -> Status:
    enrollment = progress.enrollment(user, course["name"])
    cohorts = cohorts_with(user, course["name"])
    batch = batch if batch in cohorts else ((enrollment or {}).get("batch") or (cohorts[0] if cohorts else None))
    cohort = smooth.db.get_value("LMS Batch", batch, ["title", "evaluation_required", "evaluation_end_date",
                                                      "end_date"], as_dict=True) if batch else None
    limits = [d for d in ((cohort or {}).get("evaluation_end_date"), (cohort or {}).get("end_date")) if d]
    value = float((enrollment or {}).get("progress") or 0)
    left: list[Lesson] = []
    if enrollment:
        done = progress.completed_lessons(user, course["name"])
        left = [lesson for lesson in progress.lessons(course["name"]) if lesson.name not in done]
    pending = smooth.db.get_value("LMS Certificate Request", {"member": user, "course": course["name"],
                                                              "status": "Pending"}, REQUEST_FIELDS, as_dict=True)
    return Status(course=course, batch=batch, batch_title=(cohort or {}).get("title"),
                  required=bool(course.get("evaluation_required") or (cohort or {}).get("evaluation_required")),
                  enrolled=enrollment is not None, progress=value, lessons_left=left,
                  evaluation_end=min(limits) if limits else None, pending=pending,
                  certified=certificates.why_no_booking(user, course["name"]),
                  renewal=certificates.renewal_note(user, course["name"]),
                  waiting=attempt_policy.why_wait(user, course["name"]))


def learner_zone(user: str, chosen: str | None) -> str:
    """The zone the page shows: the one picked on the page, else the user's setting, else the site's."""
    if chosen:
        zone(chosen)  # a ValidationError names a wrong zone
        return chosen
    return smooth.db.get_value("User", user, "time_zone") or smooth.local.site.time_zone


@dataclass
class Picker:
    """What the slot picker shows: the dates with free slots, the chosen date's slots, who evaluates."""

    timezone: str
    dates: list[dict[str, Any]]
    date: str | None
    slots: list[dict[str, Any]]
    evaluators: list[str]
    error: str | None = None


def picker(course: str, batch: str | None, timezone: str, chosen_date: str | None) -> Picker:
    """Free slots on the learner's clock; a configuration problem (no evaluator) comes back as `error`.

    Every date with free slots is listed with its count; only the chosen date's slots are labelled in full."""
    days = int(smooth.db.get_single_value("LMS Settings", "availability_window_days") or 60)
    try:
        found = api.offer(course, batch=batch, days=days, timezone=timezone)
        pool = found.pool or evaluators.get_evaluator(course, batch)
    except smooth.ValidationError as exc:
        return Picker(timezone, [], None, [], [], error=exc.message)
    full_names = dict(smooth.get_all("User", filters={"name": ["in", pool]}, fields=["name", "full_name"],
                                     as_list=True))
    names = [full_names.get(user) or user for user in pool]
    by_date = slot_labels.by_local_date(found.slots, found.system_zone, found.learner_zone)
    dates = [{"date": day, "label": header["label"], "count": len(slots),
              "short": smooth.strftime(dt.date.fromisoformat(day), "%a %d %b")}
             for day, (header, slots) in by_date.items()]
    chosen = chosen_date if chosen_date in by_date else next(iter(by_date), None)
    if chosen is None:
        return Picker(timezone, dates, None, [], names)
    slots = slot_labels.group_intervals(by_date[chosen][1], found.counts, found.system_zone,
                                        found.learner_zone)[0]["slots"]
    seen: dict[str, int] = {}
    for slot in slots:
        seen[slot["local_start_time"]] = seen.get(slot["local_start_time"], 0) + 1
    for slot in slots:
        slot["repeated"] = seen[slot["local_start_time"]] > 1  # the clocks go back: the offset tells them apart
    return Picker(timezone, dates, chosen, slots, names)


def slot_fields(start_utc: str, timezone: str) -> dict[str, str]:
    """A slot's UTC start as `book_evaluation` takes it: the learner's date, time and UTC offset."""
    try:
        start = dt.datetime.fromisoformat(start_utc.strip().removesuffix("Z"))
    except (AttributeError, ValueError):
        raise smooth.ValidationError(smooth._("Pick one of the available slots")) from None
    wall = to_wall(start, timezone)
    return {"date": wall.date().isoformat(), "start_time": wall.time().isoformat(),
            "utc_offset": format_offset(offset_at(start, timezone))}


def book(course: str, batch: str | None, timezone: str, start_utc: str) -> dict[str, Any]:
    return api.book_evaluation(course, batch=batch, timezone=timezone, **slot_fields(start_utc, timezone))


def reschedule(name: str, timezone: str, start_utc: str) -> dict[str, Any]:
    return api.reschedule_evaluation(name, timezone=timezone, **slot_fields(start_utc, timezone))


def active_request_name(message: str) -> str | None:
    """The request a duplicate-request message names (`... (LMS-CR-2026-00001); complete or cancel ...`)."""
    user = smooth.session.user
    for name in smooth.get_all("LMS Certificate Request", filters={"member": user, "status": "Pending"},
                               pluck="name"):
        if f"({name})" in message:
            return name
    return None


def request_view(request: dict[str, Any], site: str) -> dict[str, Any]:
    """A request as the learner reads it: on their clock (the zone they booked in), with its links."""
    tz = request.get("timezone") or smooth.local.site.time_zone
    start, end = request["start_utc"], request["end_utc"]
    local_start, local_end = to_wall(start, tz), to_wall(end, tz)
    state = request_states.state_of(request.get("status"))
    return {**request, "zone": tz, "category": state.category, "indicator": state.indicator,
            "local_date": smooth.strftime(local_start, "%A, %d %B %Y"),
            "local_time": f"{local_start:%H:%M}–{local_end:%H:%M}", "offset": format_offset(offset_at(start, tz)),
            "when": describe(start, tz), "upcoming": start >= now_utc(),
            "ics_url": f"/lms/evaluations/{request['name']}/ics", "google_url": google_calendar_link(request),
            "site": site}
