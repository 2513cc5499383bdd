"""/lms/courses/<course>: outline with my completed lessons, enrol, resume; the Certification tab links from here."""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import assignments, learning, lesson_body, lesson_flow, programs, progress, quizzes


def handle_post(context: Any) -> None:
    course = context.form_dict["course"]
    learning.require_login(_("Log in to enrol"))
    if context.form_dict.get("action") != "enroll":
        raise smooth.ValidationError(smooth._("Unknown action"))
    with context.refused_post(smooth.ValidationError):
        learning.enroll(course)
        first = learning.resume_lesson(context.user, course)
        context.redirect_to = f"/lms/courses/{course}/learn/{first.name}" if first else f"/lms/courses/{course}"


def get_context(context: Any) -> None:
    course = learning.course_for_viewer(context.form_dict["course"])
    context.course = course
    context.title = course["title"]
    context.description = lesson_body.to_html(course.get("description"))
    context.tag_list = [t.strip() for t in (course.get("tags") or "").split(",") if t.strip()]
    context.instructors = [smooth.db.get_value("User", i, "full_name") or i for i in smooth.get_all(
        "Course Instructor", filters={"parent": course["name"], "parenttype": "LMS Course"}, pluck="instructor",
        order_by="idx asc")]
    context.outline = progress.outline(course["name"])
    context.lesson_total = sum(len(c.lessons) for c in context.outline)
    enrollment = progress.enrollment(context.user, course["name"]) if context.user != "Guest" else None
    context.enrollment = enrollment
    context.done = progress.completed_lessons(context.user, course["name"]) if enrollment else set()
    context.resume = lesson_flow.course_flow(context.user, course["name"]).resume() if enrollment else None
    context.locked = programs.why_locked(context.user, course["name"]) \
        if enrollment and not learning.sees_all_content(context.user) else None
    context.can_enroll = bool(course["published"] and not course["upcoming"]) or bool(
        context.user != "Guest" and learning.cohorts_with(context.user, course["name"]))
    context.quizzes = quizzes.course_quizzes(course["name"])
    context.quizzes_passed = quizzes.passed_quizzes(context.user, course["name"]) if enrollment else set()
    context.assignments = assignments.course_assignments(course["name"])
    context.assignment_status = assignments.statuses(context.user, course["name"]) if enrollment else {}
    context.error = context.error or None
