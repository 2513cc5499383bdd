"""Course authors own their content: a Course Creator edits only the courses they teach.

A course's instructors (its Course Instructor table) are its authors. A user whose right on a
content doctype comes from Course Creator alone (not Moderator, System Manager, or Batch
Evaluator for reads) may create courses, but writes and deletes only the courses they teach and
those courses' chapters, lessons, quizzes and assignments; they read only those courses' quizzes,
assignments and submissions (and the submissions they made themselves). Courses, chapters and lessons stay readable
by every Course Creator, as the catalogue is to learners. Reads narrow through record rules
(hooks.py `permission_query_conditions`, filters that lists and single reads apply alike);
writes through `has_permission`, which the model checks on the stored record and on the new values.
"""

from __future__ import annotations

from typing import Any

import smooth

AUTHOR_ROLE = "Course Creator"
CONTENT = ("LMS Course", "Course Chapter", "Course Lesson", "LMS Quiz", "LMS Assignment")
READ_RIGHTS = frozenset({"read", "select", "print", "report", "export", "email", "share"})
# roles whose outright read another app's record rule narrows (Smooth HR's manager scope on quiz submissions):
# they widen nothing here, so a Course Creator who is also an employee is still an author only
NARROWED_ELSEWHERE = frozenset({"Employee"})


def only_as_author(doctype: str, ptype: str, user: str) -> bool:
    """Whether `user` holds `ptype` on `doctype` through Course Creator alone (so authorship narrows it)."""
    if user == "Administrator":
        return False
    roles = set(smooth.get_roles(user)) - NARROWED_ELSEWHERE
    granting = {perm.get("role") for perm in smooth.get_meta(doctype).permissions
                if perm.get("role") in roles and perm.get(ptype) and not perm.get("if_owner")
                and not int(perm.get("permlevel") or 0)}
    return granting == {AUTHOR_ROLE}


def taught_courses(user: str) -> list[str]:
    """The courses where `user` is an instructor."""
    return sorted(set(smooth.get_all("Course Instructor", pluck="parent", order_by="",
                                     filters={"instructor": user, "parenttype": "LMS Course"})))


def add_creator_as_instructor(course: Any) -> None:
    """The author of a new course teaches it: first instructor when none is given, and always for a Course
    Creator (who could not edit their course otherwise)."""
    user = smooth.session.user
    if user in ("Administrator", "Guest") or user in [row.instructor for row in course.instructors or []]:
        return
    if course.instructors and not only_as_author("LMS Course", "write", user):
        return
    rows = [{"instructor": user}] + [{"instructor": row.instructor} for row in course.instructors or []]
    course.set("instructors", rows)


def _authored(doctype: str, user: str) -> Any:
    if not only_as_author(doctype, "read", user):
        return None
    return {"or_filters": [["course", "in", taught_courses(user)], ["owner", "=", user]]}


def quiz_conditions(user: str) -> Any:
    return _authored("LMS Quiz", user)


def assignment_conditions(user: str) -> Any:
    return _authored("LMS Assignment", user)


def quiz_submission_conditions(user: str) -> Any:
    """Submissions of the courses the user teaches, and the user's own attempts."""
    if not only_as_author("LMS Quiz Submission", "read", user):
        return None
    return {"or_filters": [["course", "in", taught_courses(user)], ["member", "=", user]]}


def content_permission(doc: Any, ptype: str, user: str) -> bool | None:
    """has_permission on courses, chapters, lessons, quizzes and assignments: False denies an author a course
    they do not teach."""
    if ptype in READ_RIGHTS or not only_as_author(doc.doctype, ptype, user):
        return None
    if doc.doctype == "LMS Course":
        if doc.is_new():
            return None
        course = doc.name
    else:  # a lesson's course is its chapter's (the lesson copies it on validate, after this check)
        course = (smooth.db.get_value("Course Chapter", doc.chapter, "course") if doc.get("chapter") else None) \
            or doc.get("course")
    if not course:  # a quiz of no course yet belongs to whoever made it
        return None if doc.is_new() or doc.owner == user else False
    return None if course in taught_courses(user) else False
