"""Enrolling in a course and completing its lessons (whitelisted; Frappe LMS's `save_progress` shape).

A learner enrols themselves in a published course that is not upcoming, or in any course of a
cohort (LMS Batch) they are a member of. Progress rows and enrollments are written here on
the learner's behalf (they hold only read rights on them): the checks below are the rule.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms import progress
from smooth_lms.permissions import is_staff

CONTENT_ROLES = ("Moderator", "Course Creator", "System Manager")


def cohorts_with(member: str, course: str) -> list[str]:
    """The cohorts of `member` that include `course`."""
    mine = smooth.get_all("Batch Member", filters={"member": member, "parenttype": "LMS Batch"}, pluck="parent")
    if not mine:
        return []
    return sorted(set(smooth.get_all("Batch Course", pluck="parent",
                                     filters={"course": course, "parenttype": "LMS Batch", "parent": ["in", mine]})))


def sees_all_content(user: str) -> bool:
    return is_staff(user) or bool(set(smooth.get_roles(user)) & set(CONTENT_ROLES))


def course_for_viewer(course: str) -> dict[str, Any]:
    """The course as the current user may see it: published or upcoming, enrolled, in a cohort, or staff."""
    user = smooth.session.user
    values = smooth.db.get_value("LMS Course", course, ["name", "title", "short_introduction", "description",
                                                        "published", "upcoming", "image", "tags",
                                                        "evaluation_required"], as_dict=True)
    if not values:
        raise smooth.DoesNotExistError(f"Course {course} not found")
    if not (values["published"] or values["upcoming"] or sees_all_content(user)
            or progress.enrollment(user, course) or cohorts_with(user, course)):
        raise smooth.DoesNotExistError(f"Course {course} not found")
    return values


@smooth.whitelist(methods=["POST"])
def enroll(course: str) -> dict[str, Any]:
    """Enrol the current user in `course` (idempotent: an existing enrollment is returned as it is)."""
    user = smooth.session.user
    if user == "Guest":
        raise smooth.PermissionError("Log in to enrol")
    values = course_for_viewer(course)
    found = progress.enrollment(user, course)
    if found:
        return found
    cohorts = cohorts_with(user, course)
    if not cohorts and not (values["published"] and not values["upcoming"]):
        why = "is not open for enrolment yet" if values["upcoming"] else "is not published"
        raise smooth.ValidationError(f"{values['title']} {why}; ask a Moderator to enrol you")
    doc = smooth.get_doc({"doctype": "LMS Enrollment", "member": user, "course": course,
                          "batch": cohorts[0] if cohorts else None}).insert(ignore_permissions=True)
    return {"name": doc.name, "progress": doc.progress, "completed": doc.completed, "batch": doc.batch}


@smooth.whitelist(methods=["POST"])
def save_progress(lesson: str, status: str = progress.COMPLETE) -> dict[str, Any]:
    """Record the current user's status on `lesson` and return their course progress."""
    user = smooth.session.user
    if status not in ("Complete", "Partially Complete", "Incomplete"):
        raise smooth.ValidationError(f"Status must be Complete, Partially Complete or Incomplete, not {status!r}")
    course = smooth.db.get_value("Course Lesson", lesson, "course")
    if not course:
        raise smooth.DoesNotExistError(f"Lesson {lesson} not found")
    found = progress.enrollment(user, course)
    if not found:
        raise smooth.ValidationError("Enrol in the course before marking its lessons complete")
    existing = smooth.db.get_value("LMS Course Progress", {"member": user, "lesson": lesson}, "name")
    if existing:
        row = smooth.get_doc("LMS Course Progress", existing)
        if row.status != status:
            row.status = status
            row.save(ignore_permissions=True)
    else:
        smooth.get_doc({"doctype": "LMS Course Progress", "member": user, "lesson": lesson,
                        "status": status}).insert(ignore_permissions=True)
    return progress.enrollment(user, course) or {}
