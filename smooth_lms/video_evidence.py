"""Evidence that a learner engaged with a lesson: the parts of its video they watched and their time on its page.

An auditor asks "did they watch it", not only "did they pass". The lesson page reports, every few seconds
and when the learner pauses or leaves, the 10-second segments of the video its player has seen played
through (the whole set of this page view: a report is idempotent) and whether the page is in view.
Nothing the browser says is taken as a count:

- a page view may be credited no more newly watched seconds than real time since it began allows (at
  `MAX_RATE`, the player's fastest speed); segments beyond that wait for a later report, which sends them again;
- with the course's skip prevention, only segments continuing the watched run from the start count;
- the video's length is the lesson's (set by its author's player or typed in the desk), else the first length
  the learner's own player reported, pinned on their record;
- time on the lesson grows by the time between two reports of the same page view, at most `BEAT_CAP` each.

Reaching the course's watched share completes the lesson (`smooth_lms.lesson_rules` decides).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import smooth
from smooth import _
from smooth_lms import learning, lesson_rules, progress

SEGMENT = 10  # seconds per watched segment
MAX_RATE = 2.0  # the player offers no speed above 2x
TOLERANCE = 2.0  # seconds of network and clock slack per page view
BEAT_CAP = 30  # seconds of time on the lesson one report may add (the page reports every 10 s while in view)
MAX_LENGTH = 24 * 3600.0
_VIEW = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def segment_count(length: float) -> int:
    return int(-(-length // SEGMENT)) if length > 0 else 0


def segment_seconds(index: int, length: float) -> float:
    return max(0.0, min(SEGMENT, length - index * SEGMENT))


def parse_segments(text: str | None) -> set[int]:
    """`0-30, 60-70` (seconds, as stored and shown) back into segment indexes."""
    found: set[int] = set()
    for part in (text or "").split(","):
        start, _dash, end = part.strip().partition("-")
        if start.strip().isdigit() and end.strip().replace(".", "", 1).isdigit():
            found.update(range(int(start) // SEGMENT, segment_count(float(end))))
    return found


def format_segments(indexes: set[int], length: float) -> str:
    """Segment indexes as merged spans in seconds, `0-30, 60-70` (the last one ends at the video's end)."""
    spans: list[list[int]] = []
    for index in sorted(indexes):
        if spans and spans[-1][1] == index:
            spans[-1][1] = index + 1
        else:
            spans.append([index, index + 1])
    return ", ".join(f"{a * SEGMENT}-{min(b * SEGMENT, length):g}" for a, b in spans)


def unbroken_run(indexes: set[int]) -> int:
    """How many segments from the start are watched without a gap."""
    run = 0
    while run in indexes:
        run += 1
    return run


def _claimed(text: Any, count: int) -> list[int]:
    values = [part.strip() for part in str(text or "").split(",") if part.strip()]
    if not all(v.isdigit() for v in values):
        raise smooth.ValidationError(_("Watched segments are numbers separated by commas"))
    return sorted({int(v) for v in values if int(v) < count})


def _length(lesson: dict[str, Any], record: Any, reported: Any) -> float:
    if lesson.get("video_duration"):
        return float(lesson["video_duration"])
    if record.duration:
        return float(record.duration)
    try:
        value = float(reported or 0)
    except (TypeError, ValueError):
        return 0.0
    return value if 0 < value <= MAX_LENGTH else 0.0


def _record(user: str, lesson: dict[str, Any]) -> Any:
    name = smooth.db.get_value(lesson_rules.ENGAGEMENT, {"member": user, "lesson": lesson["name"]}, "name")
    if name:
        return smooth.get_doc(lesson_rules.ENGAGEMENT, name)
    return smooth.get_doc({"doctype": lesson_rules.ENGAGEMENT, "member": user, "lesson": lesson["name"],
                           "course": lesson["course"], "time_on_lesson": 0, "watched_percent": 0,
                           "watched_seconds": 0, "view_credited": 0, "first_opened": smooth.now_datetime()})


def _seconds_since(value: Any, now: dt.datetime) -> float:
    if not value:
        return 0.0
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return max(0.0, (now - moment).total_seconds())


def credit(record: Any, claimed: list[int], length: float, prevent_skipping: bool, now: dt.datetime) -> None:
    """Add the claimed segments real time allows (and, with skip prevention, only those continuing the run)."""
    watched = parse_segments(record.watched_segments)
    allowance = _seconds_since(record.view_started, now) * MAX_RATE + TOLERANCE - float(record.view_credited or 0)
    for index in claimed:
        if index in watched:
            continue
        if prevent_skipping and index != unbroken_run(watched):
            break
        seconds = segment_seconds(index, length)
        if seconds > allowance:
            break
        watched.add(index)
        allowance -= seconds
        record.view_credited = float(record.view_credited or 0) + seconds
    seconds = sum(segment_seconds(i, length) for i in watched)
    record.duration = length
    record.watched_segments = format_segments(watched, length)
    record.watched_seconds = round(seconds, 1)
    record.watched_percent = round(100 * seconds / length, 1) if length else 0
    record.furthest_second = min(length, unbroken_run(watched) * SEGMENT)


def _author_length(lesson: dict[str, Any], reported: Any) -> None:
    """An author's (or staff's) player tells the lesson its video's length, once."""
    if lesson.get("video_duration") or not lesson_rules.has_video(lesson):
        return
    doc = smooth.get_doc("Course Lesson", lesson["name"])
    if not smooth.has_permission("Course Lesson", "write", doc=doc):
        return
    try:
        value = float(reported or 0)
    except (TypeError, ValueError):
        return
    if 0 < value <= MAX_LENGTH:
        doc.video_duration = round(value, 2)
        doc.save()


@smooth.whitelist(methods=["POST"])
def record_engagement(lesson: str, view: str, segments: str = "", duration: Any = None,
                      visible: Any = 1) -> dict[str, Any]:
    """Record the current user's report from a lesson page: the video segments played this page view
    (`segments`, indexes separated by commas), the length their player reports, whether the page is in view."""
    user = learning.require_login(_("Log in to record your learning"))
    if not isinstance(view, str) or not _VIEW.match(view):
        raise smooth.ValidationError(_("A report names its page view (8 to 64 letters, digits or dashes)"))
    values = smooth.db.get_value("Course Lesson", lesson, lesson_rules.LESSON_FIELDS, as_dict=True)
    if not values or not values["course"]:
        raise smooth.DoesNotExistError(_("Lesson {0} not found", lesson))
    learning.course_for_viewer(values["course"])
    if not progress.enrollment(user, values["course"]):
        _author_length(values, duration)
        return {"recorded": False}
    record = _record(user, values)
    now = smooth.now_datetime()
    if record.view != view:
        record.view, record.view_started, record.view_credited = view, now, 0
    elif str(visible) not in ("0", "false", "False"):
        record.time_on_lesson = int(record.time_on_lesson or 0) + int(min(_seconds_since(record.last_seen, now),
                                                                        BEAT_CAP))
    record.last_seen = now
    rules = lesson_rules.course_rules(values["course"])
    length = _length(values, record, duration) if lesson_rules.has_video(values) else 0.0
    if length:
        credit(record, _claimed(segments, segment_count(length)), length, rules.prevent_skipping, now)
    record.save(ignore_permissions=True)
    completed = lesson in progress.completed_lessons(user, values["course"])
    why_not = lesson_rules.why_not_complete(user, values)
    if not completed and not why_not and rules.watch_percent and length:
        learning.save_progress(lesson)
        smooth.db.set_value(lesson_rules.ENGAGEMENT, record.name, "completed_on", now)
        completed = True
    enrollment = progress.enrollment(user, values["course"]) or {}
    return {"recorded": True, "segments": sorted(parse_segments(record.watched_segments)),
            "watched_percent": record.watched_percent, "furthest": record.furthest_second,
            "time_on_lesson": record.time_on_lesson, "completed": completed, "why_not": why_not,
            "progress": float(enrollment.get("progress") or 0)}


def watched_by(member: str, course: str | None = None) -> list[dict[str, Any]]:
    """A learner's engagement records with their lessons' and courses' titles (the record, the audit export)."""
    filters: dict[str, Any] = {"member": member}
    if course:
        filters["course"] = course
    rows = smooth.get_all(lesson_rules.ENGAGEMENT, filters=filters, order_by="first_opened asc",
                          fields=["name", "lesson", "lesson_title", "course", "duration", "watched_percent",
                                  "watched_seconds", "watched_segments", "furthest_second", "time_on_lesson",
                                  "first_opened", "last_seen", "completed_on"])
    names = sorted({r["course"] for r in rows if r["course"]})
    titles = dict(smooth.get_all("LMS Course", filters={"name": ["in", names or [""]]}, fields=["name", "title"],
                                 as_list=True))
    return [{**row, "course_title": titles.get(row["course"]) or row["course"]} for row in rows]
