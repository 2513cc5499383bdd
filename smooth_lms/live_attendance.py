"""Live class attendance as course progress: each counted session a member's cohort holds is one item.

A session counts when it names the course, says "Attendance Counts Toward Progress" and is not
cancelled; it is a member's when it belongs to a cohort they are in. Attending it (ticked by the
host) completes the item; a counted session still to come is an item not yet done, so a course
that requires its live sessions is not complete before they are attended.
"""

from __future__ import annotations

import smooth

LIVE_CLASS = "LMS Live Class"


def member_cohorts(member: str) -> list[str]:
    return smooth.get_all("Batch Member", filters={"member": member, "parenttype": "LMS Batch"}, pluck="parent")


def counted_attendance(member: str, course: str) -> tuple[int, int]:
    """(counted sessions of `course` in `member`'s cohorts, how many of them `member` attended)."""
    cohorts = member_cohorts(member)
    if not cohorts:
        return 0, 0
    sessions = smooth.get_all(LIVE_CLASS, pluck="name", filters={
        "course": course, "counts_toward_progress": 1, "status": "Scheduled", "batch_name": ["in", cohorts]})
    if not sessions:
        return 0, 0
    attended = smooth.get_all("LMS Live Class Attendance", pluck="parent", filters={
        "parent": ["in", sessions], "parenttype": LIVE_CLASS, "member": member, "attended": 1})
    return len(sessions), len(set(attended))
