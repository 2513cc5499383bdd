"""Assigning training with a due date: enrols the member and opens one LMS Training Assignment per course.

HR uses it for onboarding (every published Mandatory course) and for retraining before a compliance
renewal; both may run again, so assigning what is already open returns the open assignment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth_lms import progress

OPEN, COMPLETED, OVERDUE, NOT_REQUIRED = "Open", "Completed", "Overdue", "Not Required"
CLOSED = (COMPLETED, NOT_REQUIRED)  # no longer open: a new assignment of the course may be made


def open_key(member: str, course: str) -> str:
    return f"{member}|{course}"


def assign_training(member: str, course: str, due_date: dt.date, reference_doctype: str | None = None,
                    reference_name: str | None = None, *, retrain: bool = False) -> tuple[str, bool]:
    """(assignment name, created?): enrols `member` in `course` if needed; an open assignment is kept as it is.

    A course the member already finished is recorded as a Completed assignment, unless `retrain`: then it
    stays open until a certificate is issued again (a renewal before a compliance lapses)."""
    found = smooth.db.get_value("LMS Training Assignment", {"open_key": open_key(member, course)}, "name")
    if found:
        return found, False
    enrolled = progress.enrollment(member, course)
    if not enrolled:
        smooth.get_doc({"doctype": "LMS Enrollment", "member": member, "course": course}).insert(
            ignore_permissions=True)
    done = bool(enrolled and enrolled.get("completed")) and not retrain
    doc = smooth.get_doc({
        "doctype": "LMS Training Assignment", "member": member, "course": course, "assigned_on": smooth.today(),
        "due_date": max(due_date, smooth.today()), "reference_doctype": reference_doctype,
        "reference_name": reference_name, "status": COMPLETED if done else OPEN}).insert(ignore_permissions=True)
    return doc.name, True


def close_not_required(member: str) -> int:
    """Someone leaving: their open and overdue assignments are closed as Not Required (kept as history)."""
    closed = 0
    for name in smooth.get_all("LMS Training Assignment", filters={"member": member, "status": ["in", [OPEN, OVERDUE]]},
                               pluck="name", order_by="name asc"):
        doc = smooth.get_doc("LMS Training Assignment", name)
        doc.status = NOT_REQUIRED
        doc.save(ignore_permissions=True)
        closed += 1
    return closed


def complete_assignments(member: str, course: str) -> None:
    """A finished course closes its open assignment (an enrollment reaching 100%, a certificate issued)."""
    name = smooth.db.get_value("LMS Training Assignment", {"open_key": open_key(member, course)}, "name")
    if name:
        doc = smooth.get_doc("LMS Training Assignment", name)
        doc.status = COMPLETED
        doc.save(ignore_permissions=True)


def mark_overdue() -> int:
    """Daily: open assignments past their due date become Overdue (set-based, one statement)."""
    return smooth.db.set_value("LMS Training Assignment", {"status": OPEN, "due_date": ["<", smooth.today()]},
                               {"status": OVERDUE})


def assignment_rows(filters: dict[str, Any]) -> list[dict[str, Any]]:
    return smooth.get_all("LMS Training Assignment", filters=filters,
                          fields=["name", "member", "member_name", "course", "course_title", "due_date", "status"],
                          order_by="due_date asc")


def due_by_course(member: str, today: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """The member's open training per course: its due date, and whether it is overdue today (the daily
    job marks Overdue once a day; a date already past counts at once)."""
    today = today or smooth.today()
    due: dict[str, dict[str, Any]] = {}
    for row in assignment_rows({"member": member, "status": ["in", [OPEN, OVERDUE]]}):
        day = smooth.getdate(row["due_date"]) if row["due_date"] else None
        due.setdefault(row["course"], {**row, "overdue": row["status"] == OVERDUE or bool(day and day < today)})
    return due
