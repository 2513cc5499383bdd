"""Who reads a lesson, and so its private files (images in its body, its video, its PDF).

A private file attached to a Course Lesson is served to whoever may read that lesson
(`smooth.core` File rule). A learner's read right on lessons comes from LMS Student, which
holds it for every course; this rule narrows it to the lessons the lesson page shows them:
those of courses they are enrolled in or whose cohort they belong to, and preview lessons of
a published course. Staff, authors and evaluators keep the reads their roles give.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms import learning, progress
from smooth_lms.authorship import READ_RIGHTS

LEARNER_ROLE = "LMS Student"


def reads_only_as_learner(user: str) -> bool:
    if user == "Administrator":
        return False
    roles = set(smooth.get_roles(user))
    granting = {perm.get("role") for perm in smooth.get_meta("Course Lesson").permissions
                if perm.get("role") in roles and perm.get("read")}
    return granting == {LEARNER_ROLE}


def lesson_permission(doc: Any, ptype: str, user: str) -> bool | None:
    """has_permission on Course Lesson: False for a learner's read of a lesson the portal would not show them."""
    if ptype not in READ_RIGHTS or not reads_only_as_learner(user):
        return None
    course = doc.get("course") or smooth.db.get_value("Course Chapter", doc.get("chapter"), "course")
    if not course:
        return False
    if progress.enrollment(user, course) or learning.cohorts_with(user, course):
        return None
    if doc.get("include_in_preview") and smooth.db.get_value("LMS Course", course, "published"):
        return None
    return False
