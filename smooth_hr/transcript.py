"""An employee's training transcript: everything they did, in one place, as it stood on a chosen day.

The records live in lists across the two apps (enrolments, quiz results, SCORM results, evaluations, certificates,
training assignments and lessons watched by the employee's user; filed documents and compliance rows
by the employee). The transcript reads them all for one person and, for "as of" a past day, keeps
only what existed then and gives each its standing on that day: a certificate issued later is not
there, one revoked or superseded later was valid, a document that expired since was in force.

Who may see it: whoever may read the Employee record (HR everyone, a manager their reporting
line, an employee themself). The records are then read whole: the transcript is the deliberate
view of one person's file for those entitled to it.

What it says (section names, standings, date labels, details) is in the reader's language: the page, the
PDF and the audit export are documents for people, read in the language of whoever opens them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import smooth
from smooth import _
from smooth_lms.video_evidence import watched_by

EMPLOYEE = "Employee"


@dataclass
class Entry:
    """One line of a section: what, its dates, and its standing on the transcript's day."""

    title: str
    status: str
    dates: list[tuple[str, Any]] = field(default_factory=list)
    detail: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        self.dates = [(label, _date(value)) for label, value in self.dates]  # dates, for the page to word them


@dataclass
class Transcript:
    employee: str
    employee_name: str
    department: str
    designation: str
    user: str
    as_of: dt.date
    today: bool
    sections: dict[str, list[Entry]] = field(default_factory=dict)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _on_or_before(value: Any, day: dt.date) -> bool:
    found = _date(value)
    return found is not None and found <= day


def _day_after(day: dt.date) -> dt.date:
    """`creation` is a datetime: "on or before the day" is "before the next day starts"."""
    return day + dt.timedelta(days=1)


def _url(doctype: str, name: str) -> str:
    return f"/app/{doctype.lower().replace(' ', '-')}/{name}"


def _course_titles(rows: list[dict[str, Any]]) -> dict[str, str]:
    names = sorted({row["course"] for row in rows if row.get("course")})
    if not names:
        return {}
    return {row["name"]: row["title"] or row["name"] for row in
            smooth.get_all("LMS Course", filters={"name": ["in", names]}, fields=["name", "title"], order_by="")}


def certificate_standing(row: dict[str, Any], day: dt.date, superseded_on: dt.date | None) -> str:
    if row.get("revoked") and _on_or_before(row.get("revoked_on") or day, day):
        return _("Revoked")
    if superseded_on and superseded_on <= day:
        return _("Superseded")
    expiry = _date(row.get("expiry_date"))
    return _("Expired") if expiry and expiry < day else _("Valid")


def _certificates(user: str, day: dt.date) -> list[Entry]:
    rows = smooth.get_all("LMS Certificate", filters={"member": user},
                          fields=["name", "certificate_number", "course", "course_title", "issue_date", "expiry_date",
                                  "revoked", "revoked_on", "revoked_reason", "superseded_by"],
                          order_by="issue_date desc, name desc")
    issued = {row["name"]: _date(row["issue_date"]) for row in rows}
    entries = []
    for row in rows:
        if not _on_or_before(row["issue_date"], day):
            continue
        status = certificate_standing(row, day, issued.get(row["superseded_by"] or ""))
        detail = _("Revoked: {0}", row["revoked_reason"]) if row["revoked_reason"] and status == _("Revoked") else ""
        entries.append(Entry(row["course_title"] or row["course"], status,
                             [(_("Issued"), row["issue_date"]), (_("Expires"), row["expiry_date"])],
                             " · ".join(filter(None, (_("No. {0}", row["certificate_number"] or row["name"]), detail))),
                             _url("LMS Certificate", row["name"])))
    return entries


def _evaluations(user: str, day: dt.date) -> list[Entry]:
    rows = smooth.get_all("LMS Certificate Evaluation", filters={"member": user, "date": ["<=", day]},
                          fields=["name", "course", "date", "status", "evaluator"], order_by="date desc, name desc")
    evaluators = {row["evaluator"] for row in rows if row["evaluator"]}
    names = {u: smooth.db.get_value("User", u, "full_name") or u for u in evaluators}
    titles = _course_titles(rows)
    return [Entry(titles.get(row["course"], row["course"]), _(row["status"] or "Pending"), [(_("Date"), row["date"])],
                  _("Evaluator: {0}", names.get(row["evaluator"], row["evaluator"] or "—")),
                  _url("LMS Certificate Evaluation", row["name"])) for row in rows]


def _quizzes(user: str, day: dt.date) -> list[Entry]:
    rows = smooth.get_all("LMS Quiz Submission", filters={"member": user, "creation": ["<", _day_after(day)]},
                          fields=["name", "quiz_title", "quiz", "course", "attempt", "percentage", "passed",
                                  "creation"], order_by="creation desc")
    titles = _course_titles(rows)
    return [Entry(row["quiz_title"] or row["quiz"], _("Passed") if row["passed"] else _("Not passed"),
                  [(_("Taken"), _date(row["creation"]))],
                  " · ".join(filter(None, (f"{float(row['percentage'] or 0):.0f}%",
                                           _("attempt {0}", row["attempt"] or 1),
                                           titles.get(row["course"] or "")))),
                  _url("LMS Quiz Submission", row["name"])) for row in rows]


def _enrolments(user: str, day: dt.date, today: bool) -> list[Entry]:
    rows = smooth.get_all("LMS Enrollment", filters={"member": user, "creation": ["<", _day_after(day)]},
                          fields=["name", "course", "batch", "progress", "completed", "creation"],
                          order_by="creation desc")
    titles = _course_titles(rows)
    entries = []
    for row in rows:
        status = _("Completed") if row["completed"] else _("{0}% done", round(float(row["progress"] or 0)))
        detail = " · ".join(filter(None, (_("Cohort {0}", row["batch"]) if row["batch"] else "",
                                          "" if today else _("progress as of now"))))
        entries.append(Entry(titles.get(row["course"], row["course"]), status,
                             [(_("Enrolled"), _date(row["creation"]))], detail, _url("LMS Enrollment", row["name"])))
    return entries


def _lessons_watched(user: str, day: dt.date) -> list[Entry]:
    """Lessons opened (LMS Lesson Engagement): the share of the video watched and the time on the page (as now)."""
    entries = []
    for row in watched_by(user):
        if not _on_or_before(row["first_opened"], day):
            continue
        watched = _("Watched {0}%", round(float(row["watched_percent"] or 0))) if row["duration"] else _("Opened")
        segments = _("segments {0} of {1} s", row["watched_segments"], format(float(row["duration"]), "g")) \
            if row["duration"] else ""
        detail = " · ".join(filter(None, (row["course_title"], segments,
                                          _("{0} s on the lesson page", int(row["time_on_lesson"] or 0)))))
        entries.append(Entry(row["lesson_title"] or row["lesson"], watched,
                             [(_("First opened"), _date(row["first_opened"])),
                              (_("Last seen"), _date(row["last_seen"]))],
                             detail, _url("LMS Lesson Engagement", row["name"])))
    return entries


def scorm_standing(row: dict[str, Any]) -> str:
    """A SCORM attempt's standing in words: the package's success when it judged one, else its completion."""
    if row.get("success_status") in ("passed", "failed"):
        return _("Passed") if row["success_status"] == "passed" else _("Failed")
    if row.get("completed"):
        return _("Completed")
    completion = str(row.get("completion_status") or "not attempted")
    return {"incomplete": _("Incomplete"), "not attempted": _("Not attempted"), "unknown": _("Unknown"),
            "completed": _("Completed")}.get(completion, completion.capitalize())


def _scorm(user: str, day: dt.date, today: bool) -> list[Entry]:
    """SCORM attempts (the package's own completion, success, score and time: what an auditor of bought-in
    compliance training asks for); an attempt started by the day, as it stands now."""
    rows = smooth.get_all("LMS SCORM Attempt", filters={"member": user, "creation": ["<", _day_after(day)]},
                          fields=["name", "lesson", "course", "attempt", "completion_status", "success_status",
                                  "completed", "completed_on", "score_raw", "total_time", "creation"],
                          order_by="creation desc")
    titles = _course_titles(rows)
    lessons = {r["name"]: r["title"] for r in smooth.get_all("Course Lesson", fields=["name", "title"], order_by="",
                                                              filters={"name": ["in", [r["lesson"] for r in rows]]})} \
        if rows else {}
    return [Entry(lessons.get(row["lesson"]) or row["lesson"], scorm_standing(row),
                  [(_("Started"), _date(row["creation"])), (_("Completed"), _date(row["completed_on"]))],
                  " · ".join(filter(None, (_("score {0}", format(row["score_raw"], "g")) if row["score_raw"] is not None
                                           else "", _("attempt {0}", row["attempt"] or 1),
                                           _("time {0}", row["total_time"]) if row["total_time"] else "",
                                           titles.get(row["course"] or ""), "" if today else _("standing as of now")))),
                  _url("LMS SCORM Attempt", row["name"])) for row in rows]


def assignment_standing(row: dict[str, Any], day: dt.date) -> str:
    if _on_or_before(row.get("completed_on"), day):
        return _("Completed")
    due = _date(row.get("due_date"))
    return _("Overdue") if due and due < day else _("Open")


def _assignments(user: str, day: dt.date) -> list[Entry]:
    rows = smooth.get_all("LMS Training Assignment", filters={"member": user, "assigned_on": ["<=", day]},
                          fields=["name", "course", "course_title", "assigned_on", "due_date", "completed_on"],
                          order_by="assigned_on desc, name desc")
    return [Entry(row["course_title"] or row["course"], assignment_standing(row, day),
                  [(_("Assigned"), row["assigned_on"]), (_("Due"), row["due_date"]),
                   (_("Completed"), row["completed_on"] if _on_or_before(row["completed_on"], day) else None)],
                  "", _url("LMS Training Assignment", row["name"])) for row in rows]


def _documents(employee: str, day: dt.date) -> list[Entry]:
    rows = smooth.get_all("Employee Document", filters={"employee": employee},
                          fields=["name", "document_type", "title", "issue_date", "expiry_date", "superseded_by",
                                  "creation"], order_by="creation desc")
    filed = {row["name"]: _date(row["creation"]) for row in rows}
    entries = []
    for row in rows:
        if not _on_or_before(row["creation"], day):
            continue
        expiry = _date(row["expiry_date"])
        replaced = filed.get(row["superseded_by"] or "")
        status = _("Superseded") if replaced and replaced <= day else _("Expired") if expiry and expiry < day \
            else _("In force")
        entries.append(Entry(row["title"] or row["document_type"], status,
                             [(_("Filed"), _date(row["creation"])), (_("Issued"), row["issue_date"]),
                              (_("Expires"), expiry)],
                             row["document_type"] or "", _url("Employee Document", row["name"])))
    return entries


def compliance_standing(row: dict[str, Any], day: dt.date, today: bool) -> str:
    if today:
        return _(str(row.get("status") or "Pending"))  # a Select option: the doctype's catalog has it
    completed, renewal = _date(row.get("completion_date")), _date(row.get("renewal_date"))
    if completed is None or completed > day:
        return _("Pending")
    return _("Expired") if renewal and renewal < day else _("Complete")


def _compliance(employee: str, day: dt.date, today: bool) -> list[Entry]:
    rows = smooth.get_all("Employee Compliance", filters={"employee": employee},
                          fields=["name", "compliance_type", "status", "completion_date", "renewal_date", "evidence",
                                  "creation"], order_by="compliance_type asc")
    entries = []
    for row in rows:
        if not _on_or_before(row["creation"], day):
            continue
        completed = row["completion_date"] if _on_or_before(row["completion_date"], day) else None
        later = "" if today or completed or not row["completion_date"] else \
            _("completed later, on {0}", row["completion_date"])
        entries.append(Entry(row["compliance_type"], compliance_standing(row, day, today),
                             [(_("Completed"), completed), (_("Renewal"), row["renewal_date"] if completed else None)],
                             later or (_("Evidence {0}", row["evidence"]) if row["evidence"] else ""),
                             _url("Employee Compliance", row["name"])))
    return entries


def get_transcript(employee: str, as_of: dt.date | str | None = None) -> Transcript:
    """The transcript of `employee` as it stood at the end of `as_of` (today when not given)."""
    if not smooth.db.exists(EMPLOYEE, employee):
        raise smooth.DoesNotExistError(_("Employee {0} not found", employee))
    person = smooth.get_doc(EMPLOYEE, employee)
    if not smooth.has_permission(EMPLOYEE, "read", doc=person):
        raise smooth.PermissionError(_("Not permitted: {0} may not read Employee {1}", smooth.session.user, employee))
    today = smooth.today()
    day = smooth.input_date(as_of, "As of") if as_of else None
    day = day or today
    if day > today:
        raise smooth.ValidationError(_("The transcript shows a day up to today, not one in the future"))
    user = person.user_id or ""
    current = day == today
    result = Transcript(employee, person.employee_name or employee, person.department or "",
                        person.designation or "", user, day, current)
    learning = {
        _("Certificates"): _certificates(user, day), _("Evaluations"): _evaluations(user, day),
        _("Quiz results"): _quizzes(user, day), _("SCORM results"): _scorm(user, day, current),
        _("Enrolments"): _enrolments(user, day, current),
        _("Training assignments"): _assignments(user, day), _("Lessons watched"): _lessons_watched(user, day),
    } if user else {}
    result.sections = {**learning, _("Compliance"): _compliance(employee, day, current),
                       _("Documents on file"): _documents(employee, day)}
    return result
