"""What an employee watched and how long they spent on lessons, for the audit export and the transcript.

An auditor asks "did they watch it", not only "did they pass": the audit export carries
`lesson_engagement.csv`, one row per lesson a learner opened (LMS Lesson Engagement: the parts of its
video watched, the share, the time on the page), for the employee exported, or for the employees of a
compliance type whose course it is. Like the transcript, it is read whole for those entitled to the export.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import smooth
from smooth_lms.video_evidence import watched_by

MEMBER = "lesson_engagement.csv"
NOTE = ("lesson_engagement.csv lists, per lesson opened, the parts of its video watched (in seconds from the "
        "start, 10-second segments, credited no faster than real time), the share watched and the time spent on "
        "the lesson page.\n")
COLUMNS = ("Employee", "Employee Name", "User", "Course", "Lesson", "Video Length (s)", "Watched (%)",
           "Seconds Watched", "Watched Segments (s)", "Watched Without Gaps Up To (s)", "Seconds on the Lesson Page",
           "First Opened", "Last Seen", "Completed by Watching On", "Lesson Complete")


def _cell(value: Any) -> str:
    text = "" if value is None else value.isoformat(sep=" ") if hasattr(value, "isoformat") else str(value)
    return smooth.escape_csv_formula(text)


def _people(filters: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """The employees the export is about (with their users), and the course it narrows to (a type's course)."""
    if filters.get("employee"):
        names, course = [filters["employee"]], None
    else:
        names = sorted(set(smooth.get_list("Employee Compliance", pluck="employee", limit_page_length=0,
                                           filters={"compliance_type": filters["compliance_type"]})))
        course = smooth.db.get_value("Compliance Type", filters["compliance_type"], "course")
        if not course:
            return [], None
    people = smooth.get_all("Employee", filters={"name": ["in", names or [""]], "user_id": ["is", "set"]},
                            fields=["name", "employee_name", "user_id"], order_by="name asc")
    return people, course


def members(filters: dict[str, Any]) -> dict[str, str]:
    """{"lesson_engagement.csv": text} when the exported people opened lessons (else nothing)."""
    people, course = _people(filters)
    out = io.StringIO()
    writer = csv.writer(out)
    rows = 0
    for person in people:
        done = set(smooth.get_all("LMS Course Progress", pluck="lesson",
                                  filters={"member": person["user_id"], "status": "Complete"}))
        for row in watched_by(person["user_id"], course):
            if not rows:
                writer.writerow(COLUMNS)
            writer.writerow([_cell(v) for v in (
                person["name"], person["employee_name"], person["user_id"], row["course_title"],
                row["lesson_title"] or row["lesson"], row["duration"], row["watched_percent"], row["watched_seconds"],
                row["watched_segments"], row["furthest_second"], row["time_on_lesson"], row["first_opened"],
                row["last_seen"], row["completed_on"], "Yes" if row["lesson"] in done else "No")])
            rows += 1
    return {MEMBER: out.getvalue()} if rows else {}
