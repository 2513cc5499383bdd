"""Enrolling in a course and completing its lessons (whitelisted; Frappe LMS's `save_progress` shape).

A learner enrols themselves in a published course that is not upcoming, or in any course of a
cohort (LMS Batch) they are a member of. Progress rows and enrollments are written here on
the learner's behalf (they hold only read rights on them): the checks below are the rule.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import lesson_rules, progress
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
        raise smooth.DoesNotExistError(_("Course {0} not found", course))
    if not (values["published"] or values["upcoming"] or sees_all_content(user)
            or progress.enrollment(user, course) or cohorts_with(user, course)):
        raise smooth.DoesNotExistError(_("Course {0} not found", course))
    return values


@smooth.whitelist(methods=["POST"])
def enroll(course: str) -> dict[str, Any]:
    """Enrol the current user in `course` (idempotent: an existing enrollment is returned as it is)."""
    user = smooth.session.user
    if user == "Guest":
        raise smooth.PermissionError(smooth._("Log in to enrol"))
    values = course_for_viewer(course)
    found = progress.enrollment(user, course)
    if found:
        return found
    cohorts = cohorts_with(user, course)
    if not cohorts and not (values["published"] and not values["upcoming"]):
        raise smooth.ValidationError(
            _("{0} is not open for enrolment yet; ask a Moderator to enrol you", values["title"]) if values["upcoming"]
            else _("{0} is not published; ask a Moderator to enrol you", values["title"]))
    doc = smooth.get_doc({"doctype": "LMS Enrollment", "member": user, "course": course,
                          "batch": cohorts[0] if cohorts else None}).insert(ignore_permissions=True)
    return {"name": doc.name, "progress": doc.progress, "completed": doc.completed, "batch": doc.batch}


@smooth.whitelist(methods=["POST"])
def save_progress(lesson: str, status: str = progress.COMPLETE) -> dict[str, Any]:
    """Record the current user's status on `lesson` and return their course progress."""
    user = smooth.session.user
    if status not in ("Complete", "Partially Complete", "Incomplete"):
        raise smooth.ValidationError(_("Status must be Complete, Partially Complete or Incomplete, not {0}",
                                       repr(status)))
    values = smooth.db.get_value("Course Lesson", lesson, lesson_rules.LESSON_FIELDS, as_dict=True)
    if not values or not values["course"]:
        raise smooth.DoesNotExistError(smooth._("Lesson {0} not found", lesson))
    course = values["course"]
    found = progress.enrollment(user, course)
    if not found:
        raise smooth.ValidationError(smooth._("Enrol in the course before marking its lessons complete"))
    if values["scorm_folder"]:  # SCORM: the package reports (scorm/runtime.py)
        raise smooth.ValidationError(_("This lesson is a SCORM package: it completes when the package reports it "
                                       "completed or passed"))
    why_not = lesson_rules.why_not_complete(user, values) if status == progress.COMPLETE and lesson not in \
        progress.completed_lessons(user, course) else None  # a lesson completed before a rule came stays complete
    if why_not:
        raise smooth.ValidationError(why_not)
    record_progress(user, lesson, status)
    return progress.enrollment(user, course) or {}


def record_progress(user: str, lesson: str, status: str) -> None:
    """Write `user`'s status on `lesson` (the checks are the caller's)."""
    existing = smooth.db.get_value("LMS Course Progress", {"member": user, "lesson": lesson}, "name")
    if existing:
        row = smooth.get_doc("LMS Course Progress", existing)
        if row.status != status:
            row.status = status
            row.save(ignore_permissions=True)
    else:
        smooth.get_doc({"doctype": "LMS Course Progress", "member": user, "lesson": lesson,
                        "status": status}).insert(ignore_permissions=True)


def require_login(refusal: str | None = None) -> str:
    """The current user; a Guest is refused with `refusal` (the pages send them to log in and back)."""
    user = smooth.session.user
    if user == "Guest":
        raise smooth.PermissionError(refusal or _("Log in to see your learning"))
    return user


def my_courses(user: str) -> list[dict[str, Any]]:
    """The user's enrollments with their course titles and where to resume, newest first."""
    rows = smooth.get_all("LMS Enrollment", fields=["name", "course", "progress", "completed", "batch"],
                          filters={"member": user}, order_by="modified desc")
    titles = {c["name"]: c for c in smooth.get_all(
        "LMS Course", fields=["name", "title", "short_introduction", "evaluation_required"],
        filters={"name": ["in", [r["course"] for r in rows] or [""]]})}
    return [{**row, "progress": float(row["progress"] or 0), **{k: v for k, v in titles.get(row["course"], {}).items()
                                                                if k != "name"}}
            for row in rows]


def my_cohorts(user: str) -> list[dict[str, Any]]:
    names = smooth.get_all("Batch Member", filters={"member": user, "parenttype": "LMS Batch"}, pluck="parent")
    if not names:
        return []
    return smooth.get_all("LMS Batch", fields=["name", "title", "start_date", "end_date", "evaluation_end_date",
                                               "evaluation_required"],
                          filters={"name": ["in", names]}, order_by="start_date desc")


def resume_lesson(user: str, course: str) -> progress.Lesson | None:
    """The first lesson of the outline the user has not completed (None when all are done or there are none)."""
    done = progress.completed_lessons(user, course)
    return next((lesson for lesson in progress.lessons(course) if lesson.name not in done), None)
