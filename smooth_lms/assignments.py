"""Assignments: what a learner may hand in and when, the answer checks, and the certification gate.

A learner's attempts are LMS Assignment Submission records, one per attempt, kept as history.
A new attempt is open when there is none yet, or when the latest was graded Fail or Resubmit
and the assignment allows resubmission (within its Max Attempts). The gate
(`check_mandatory_assignments`) runs wherever the mandatory-quiz gate runs, so a desk save, the
REST API and a workflow transition all meet it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth import _

TEXT, FILE, URL = "Text", "File", "URL"
NOT_GRADED, PASS, FAIL, RESUBMIT = "Not Graded", "Pass", "Fail", "Resubmit"
DEFAULT_FILE_TYPES = ["pdf"]
SUBMISSION = "LMS Assignment Submission"


def file_types(assignment: Any) -> list[str]:
    found = [p.strip().lower().lstrip(".") for p in str(assignment.allowed_file_types or "").split(",") if p.strip()]
    return found or DEFAULT_FILE_TYPES


def max_bytes(assignment: Any) -> int:
    """The assignment's limit, never above the site's own upload limit."""
    megabytes = int(assignment.max_file_size_mb or 0) or 5
    return min(megabytes * 1024 * 1024, smooth.max_file_size())


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{max(1, count // 1024)} KB"


def check_file(assignment: Any, file_name: str, size: int) -> None:
    """A file answer's type and size, refused with what is accepted."""
    accepted = file_types(assignment)
    ext = smooth.file_extension(file_name)
    if ext not in accepted:
        raise smooth.ValidationError(
            _("{0} accepts {1} files, not .{2} ({3})", assignment.title, ", ".join("." + t for t in accepted), ext,
              file_name) if ext else
            _("{0} accepts {1} files, not a file without an extension ({2})", assignment.title,
              ", ".join("." + t for t in accepted), file_name))
    limit = max_bytes(assignment)
    if size > limit:
        raise smooth.ValidationError(_("{0} is {1}; {2} accepts files up to {3}",
                                       file_name, _size(size), assignment.title, _size(limit)))
    if size == 0:
        raise smooth.ValidationError(smooth._("{0} is empty", file_name))


def attempts(member: str, assignment: str) -> int:
    return smooth.db.count(SUBMISSION, {"member": member, "assignment": assignment})


def latest(member: str, assignment: str) -> dict[str, Any] | None:
    rows = smooth.get_all(SUBMISSION, filters={"member": member, "assignment": assignment},
                          fields=["name", "status", "attempt", "submitted_on", "late"],
                          order_by="attempt desc", limit_page_length=1)
    return rows[0] if rows else None


def why_not_submit(member: str, assignment: Any) -> str | None:
    """Why `member` cannot hand in a new attempt now (None: they can)."""
    last = latest(member, assignment.name)
    if last is None:
        return None
    if last["status"] == NOT_GRADED:
        return f"Your attempt {last['attempt']} is waiting to be graded"
    if last["status"] == PASS:
        return f"You passed {assignment.title}"
    if not assignment.allow_resubmission:
        return f"{assignment.title} takes one submission only"
    limit = int(assignment.max_attempts or 0)
    if limit and int(last["attempt"] or 0) >= limit:
        return f"You have used all {limit} attempt{'s' if limit != 1 else ''} at {assignment.title}"
    return None


def due_date(assignment: Any, batch: str | None) -> dt.datetime | None:
    for row in assignment.due_dates or []:
        if batch and row.batch == batch:
            value = row.due_date
            return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return None


def course_assignments(course: str, mandatory_only: bool = False) -> list[dict[str, Any]]:
    filters: dict[str, Any] = {"course": course}
    if mandatory_only:
        filters["mandatory_for_certification"] = 1
    return smooth.get_all("LMS Assignment", filters=filters, order_by="creation asc",
                          fields=["name", "title", "lesson", "answer_type", "mandatory_for_certification"])


def passed_assignments(member: str, course: str) -> set[str]:
    return set(smooth.get_all(SUBMISSION, filters={"member": member, "course": course, "status": PASS},
                              pluck="assignment", distinct=True))


def statuses(member: str, course: str) -> dict[str, str]:
    """Each assignment's latest status for `member` (passed wins over a later row, which cannot exist)."""
    rows = smooth.get_all(SUBMISSION, filters={"member": member, "course": course},
                          fields=["assignment", "status"], order_by="attempt asc")
    return {row["assignment"]: row["status"] for row in rows}


def check_mandatory_assignments(member: str, course: str) -> None:
    """Refuse completing a certification while a mandatory assignment has no passed submission."""
    done = passed_assignments(member, course)
    missing = [a["title"] for a in course_assignments(course, mandatory_only=True) if a["name"] not in done]
    if missing:
        raise smooth.ValidationError(_("{0} has not passed the mandatory assignment {1}", member, missing[0])
                                     if len(missing) == 1 else
                                     _("{0} has not passed the mandatory assignments {1}", member, "; ".join(missing)))


def missing_mandatory(member: str, course: str) -> bool:
    done = passed_assignments(member, course)
    return any(a["name"] not in done for a in course_assignments(course, mandatory_only=True))


def store_upload(assignment: Any, upload: Any) -> str:
    """A portal upload checked (type, size) and stored as a private File of the learner: its URL."""
    file_name = str(getattr(upload, "filename", "") or "")
    if not file_name or not hasattr(upload, "file"):
        raise smooth.ValidationError(smooth._("Choose a file to upload"))
    upload.file.seek(0)
    content = upload.file.read(max_bytes(assignment) + 1)
    check_file(assignment, file_name, len(content))
    stored = smooth.new_doc("File", file_name=file_name, is_private=1)
    stored.content = content
    stored.insert(ignore_permissions=True)
    return str(stored.file_url)


@smooth.whitelist(methods=["POST"])
def submit_assignment(assignment: str, answer: str | None = None, answer_url: str | None = None,
                      answer_file: str | None = None) -> dict[str, Any]:
    """The current user's attempt at `assignment`. A file is uploaded first (upload_file, private) and
    passed as its URL; the submission checks its type and size against the assignment."""
    user = smooth.session.user
    if user == "Guest":
        raise smooth.PermissionError(smooth._("Log in to submit an assignment"))
    if not smooth.db.exists("LMS Assignment", assignment):
        raise smooth.DoesNotExistError(smooth._("Assignment {0} not found", assignment))
    doc = smooth.get_doc({"doctype": SUBMISSION, "assignment": assignment, "member": user, "answer": answer,
                          "answer_url": answer_url, "answer_file": answer_file})
    doc.insert(ignore_permissions=True)
    return {"name": doc.name, "status": doc.status, "attempt": doc.attempt, "late": doc.late}
