"""A learner's SCORM attempts: the values a package starts with, and `commit`, which stores what it set.

The package's API calls are answered in its frame by the shim (shim.js); Commit and Finish/Terminate
post the changed values to the player page, which sends them here. Each value is checked against the data
model again (datamodel.py), then the attempt's summary is derived: completion and success (the manifest's
mastery score or scaled passing score decides when it has one), the score, and the total time (each
session's time counted once: a session is one opening of the lesson page). An attempt that is completed
or passed completes the lesson in the learner's course progress; a later failed attempt never takes that
back.
"""

from __future__ import annotations

import json
from typing import Any

import smooth
from smooth import _
from smooth_lms import learning, progress
from smooth_lms.scorm import datamodel, package
from smooth_lms.scorm.datamodel import SCORM_12

MAX_CHANGES = 2000  # values in one commit: far above what a SCO sets between two commits
_NOT_KEPT = ("cmi.core.session_time", "cmi.session_time", "cmi.core.exit", "cmi.exit", "adl.nav.request")


def lesson_of(name: str) -> dict[str, Any]:
    lesson = smooth.db.get_value("Course Lesson", name, ["name", "title", "course", "scorm_version", "scorm_launch",
                                                         "scorm_folder", "scorm_settings"], as_dict=True)
    if not lesson or not lesson.get("scorm_folder"):
        raise smooth.DoesNotExistError(_("SCORM lesson {0} not found", name))
    return lesson


def may_play(member: str, course: str) -> bool:
    """Enrolled learners play a package (and staff, to preview it; they have no course progress)."""
    return bool(progress.enrollment(member, course)) or learning.sees_all_content(member)


def latest_attempt(member: str, lesson: str) -> int:
    found = smooth.get_all("LMS SCORM Attempt", filters={"member": member, "lesson": lesson}, pluck="attempt",
                           order_by="attempt desc", limit=1)
    return int(found[0]) if found else 1


def attempt_row(member: str, lesson: str, attempt: int) -> dict[str, Any] | None:
    return smooth.db.get_value("LMS SCORM Attempt", {"member": member, "lesson": lesson, "attempt": attempt},
                               ["name", "cmi", "last_exit", "total_seconds", "session_id", "session_seconds",
                                "completion_status", "success_status", "completed", "score_raw"], as_dict=True)


def stored(row: dict[str, Any] | None) -> dict[str, str]:
    try:
        value = json.loads((row or {}).get("cmi") or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def total_seconds(row: dict[str, Any] | None, session: str) -> float:
    """The attempt's time before `session`: the finished sessions, plus the last one when it is not this one."""
    if not row:
        return 0.0
    earlier = float(row.get("total_seconds") or 0)
    return earlier if row.get("session_id") == session else earlier + float(row.get("session_seconds") or 0)


def launch_state(lesson: dict[str, Any], member: str, attempt: int, session: str) -> dict[str, str]:
    """Every value the package may read when it starts: the read-only ones the LMS supplies and what the attempt
    stored (its session time, exit and navigation request stay with the session that set them)."""
    version = lesson["scorm_version"]
    row = attempt_row(member, lesson["name"], attempt)
    values = {k: v for k, v in stored(row).items() if k not in _NOT_KEPT}
    settings = package.settings(lesson)
    name = smooth.db.get_value("User", member, "full_name") or member
    resumed = (row or {}).get("last_exit") == "suspend"
    entry = "resume" if resumed else ("ab-initio" if not row else "")
    total = datamodel.timespan(version, total_seconds(row, session))
    launch_data = str(settings.get("launch_data") or "")
    if version == SCORM_12:
        mastery = settings.get("mastery_score")
        return {**values, "cmi._version": "3.4", "cmi.core.student_id": member, "cmi.core.student_name": name,
                "cmi.core.credit": "credit", "cmi.core.entry": entry, "cmi.core.lesson_mode": "normal",
                "cmi.core.total_time": total, "cmi.launch_data": launch_data, "cmi.comments_from_lms": "",
                "cmi.core.lesson_status": values.get("cmi.core.lesson_status", "not attempted"),
                "cmi.core.lesson_location": values.get("cmi.core.lesson_location", ""),
                "cmi.suspend_data": values.get("cmi.suspend_data", ""),
                "cmi.student_data.mastery_score": "" if mastery is None else f"{mastery:g}",
                "cmi.student_data.max_time_allowed": str(settings.get("max_time_allowed") or ""),
                "cmi.student_data.time_limit_action": str(settings.get("time_limit_action") or "")}
    state = {**values, "cmi._version": "1.0", "cmi.learner_id": member, "cmi.learner_name": name,
             "cmi.credit": "credit", "cmi.entry": entry, "cmi.mode": "normal", "cmi.total_time": total,
             "cmi.launch_data": launch_data,
             "cmi.completion_status": values.get("cmi.completion_status", "unknown"),
             "cmi.success_status": values.get("cmi.success_status", "unknown"),
             "cmi.time_limit_action": str(settings.get("time_limit_action") or "continue,no message"),
             "adl.nav.request_valid.continue": "unknown", "adl.nav.request_valid.previous": "unknown"}
    for key in ("completion_threshold", "scaled_passing_score"):
        if settings.get(key) is not None:
            state[f"cmi.{key}"] = f"{settings[key]:g}"
    return state


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def outcome(version: str, values: dict[str, str], settings: dict[str, Any]) -> dict[str, Any]:
    """The attempt's completion, success and score, as the package reported them and the manifest decides."""
    if version == SCORM_12:
        status = values.get("cmi.core.lesson_status", "not attempted")
        raw, top = _number(values.get("cmi.core.score.raw")), _number(values.get("cmi.core.score.max"))
        mastery = settings.get("mastery_score")
        if mastery is not None and raw is not None and status in ("completed", "incomplete", "browsed"):
            status = "passed" if raw >= float(mastery) else "failed"
        success = status if status in ("passed", "failed") else "unknown"
        return {"completion_status": status, "success_status": success, "score_raw": raw,
                "score_scaled": None if raw is None else round(raw / (top or 100), 4),
                "completed": int(status in ("completed", "passed"))}
    completion = values.get("cmi.completion_status", "unknown")
    success = values.get("cmi.success_status", "unknown")
    scaled, measure = _number(values.get("cmi.score.scaled")), _number(values.get("cmi.progress_measure"))
    if settings.get("completion_threshold") is not None and measure is not None:
        completion = "completed" if measure >= float(settings["completion_threshold"]) else "incomplete"
    if settings.get("scaled_passing_score") is not None and scaled is not None:
        success = "passed" if scaled >= float(settings["scaled_passing_score"]) else "failed"
    return {"completion_status": completion, "success_status": success,
            "score_raw": _number(values.get("cmi.score.raw")), "score_scaled": scaled,
            "completed": int(success == "passed" or (completion == "completed" and success != "failed"))}


def _changes(changes: Any) -> dict[str, str]:
    if isinstance(changes, str):
        try:
            changes = json.loads(changes or "{}")
        except ValueError:
            raise smooth.ValidationError(_("changes must be a JSON object of data model element: value")) from None
    if not isinstance(changes, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in changes.items()):
        raise smooth.ValidationError(_("changes must be an object of data model element names to text values"))
    if len(changes) > MAX_CHANGES:
        raise smooth.ValidationError(_("A commit holds at most {0} values, not {1}", MAX_CHANGES, len(changes)))
    return changes


@smooth.whitelist(methods=["POST"])
def commit(lesson: str, attempt: int, session: str, changes: Any = None) -> dict[str, Any]:
    """Store what the package set since its last commit in the current user's attempt; return the attempt's
    outcome and the course progress. A value the data model refuses refuses the whole commit (417)."""
    member = learning.require_login(_("Log in to record SCORM results"))
    values = lesson_of(lesson)
    if not may_play(member, values["course"]):
        raise smooth.PermissionError(_("Enrol in the course to record results of {0}", values['title']))
    if not isinstance(session, str) or not 8 <= len(session) <= 64 or not session.isalnum():
        raise smooth.ValidationError(_("session must be the player's session id"))
    if not isinstance(attempt, int) or isinstance(attempt, bool) or not 1 <= attempt <= latest_attempt(member, lesson):
        raise smooth.ValidationError(_("Attempt {0} is not one of yours on this lesson", repr(attempt)))
    version = values["scorm_version"]
    row = attempt_row(member, lesson, attempt)
    try:
        merged = datamodel.apply(version, _changes(changes), stored(row))
    except ValueError as exc:
        raise smooth.ValidationError(_("The package set a value the SCORM {0} data model refuses: {1}", version, exc)) \
            from None
    doc = smooth.get_doc("LMS SCORM Attempt", row["name"]) if row else smooth.get_doc(
        {"doctype": "LMS SCORM Attempt", "member": member, "lesson": lesson, "attempt": attempt})
    record(doc, version, merged, session, package.settings(values))
    if progress.enrollment(member, values["course"]):
        if doc.completed:
            learning.record_progress(member, lesson, progress.COMPLETE)
        elif lesson not in progress.completed_lessons(member, values["course"]):
            learning.record_progress(member, lesson, "Partially Complete")
    return {"completion_status": doc.completion_status, "success_status": doc.success_status,
            "score": doc.score_raw, "completed": doc.completed, "total_time": doc.total_time,
            "progress": float((progress.enrollment(member, values["course"]) or {}).get("progress") or 0)}


def record(doc: Any, version: str, values: dict[str, str], session: str, settings: dict[str, Any]) -> None:
    """Write the attempt: its data, time and outcome (a completion is dated once)."""
    time_key = "cmi.core.session_time" if version == SCORM_12 else "cmi.session_time"
    if doc.session_id != session:
        doc.total_seconds = float(doc.total_seconds or 0) + float(doc.session_seconds or 0)
        doc.session_id, doc.session_seconds = session, 0.0
    if time_key in values:
        doc.session_seconds = datamodel.seconds(version, values[time_key])
    doc.total_time = datamodel.timespan(version, float(doc.total_seconds or 0) + float(doc.session_seconds or 0))
    doc.last_exit = values.get("cmi.core.exit" if version == SCORM_12 else "cmi.exit", doc.last_exit)
    doc.scorm_version = version
    doc.location = values.get("cmi.core.lesson_location" if version == SCORM_12 else "cmi.location")
    doc.suspend_data = values.get("cmi.suspend_data")
    doc.cmi = json.dumps(values, sort_keys=True)
    was_completed = bool(doc.completed)
    doc.update(outcome(version, values, settings))
    if doc.completed and not was_completed:
        doc.completed_on = smooth.now_datetime()
    if doc.is_new():
        doc.insert(ignore_permissions=True)
    else:
        doc.save(ignore_permissions=True)


def results(member: str, course: str | None = None) -> list[dict[str, Any]]:
    """A learner's SCORM attempts (of one course, or all), newest first: the record and the audit export."""
    filters: dict[str, Any] = {"member": member}
    if course:
        filters["course"] = course
    return smooth.get_all("LMS SCORM Attempt", fields=[
        "name", "lesson", "course", "attempt", "scorm_version", "completion_status", "success_status", "score_raw",
        "score_scaled", "completed", "completed_on", "total_time"], filters=filters, order_by="modified desc")
