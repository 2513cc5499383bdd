"""/lms/courses/<course>/learn/<lesson>: the lesson (text, its video player, its PDF), the course's sidebar,
previous / next through lessons, quizzes and assignments, and "mark complete" (a plain form post)."""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import (
    assignments,
    learning,
    lesson_body,
    lesson_flow,
    lesson_rules,
    next_step,
    programs,
    progress,
    video_evidence,
    video_sources,
)
from smooth_lms.scorm import player as scorm_player


def _lesson(course: str, name: str) -> dict[str, Any]:
    lesson = smooth.db.get_value("Course Lesson", name, lesson_rules.LESSON_FIELDS, as_dict=True)
    if not lesson or lesson["course"] != course:
        raise smooth.DoesNotExistError(smooth._("Lesson {0} not found in this course", name))
    return lesson


def _next_to_do(user: str, course: str, lesson: str) -> lesson_flow.Item | None:
    """Where "mark complete" goes: the next lesson, quiz or assignment not done, else the first one left."""
    flow = lesson_flow.course_flow(user, course)
    items = flow.items
    here = next((i for i, item in enumerate(items) if item.kind == lesson_flow.LESSON and item.name == lesson), -1)
    return next((item for item in items[here + 1:] if not item.done), None) or flow.resume()


def handle_post(context: Any) -> None:
    user = learning.require_login(_("Log in to complete lessons"))
    course, name = context.form_dict["course"], context.form_dict["lesson"]
    _lesson(course, name)
    if context.form_dict.get("action") == "scorm_new_attempt":
        with context.refused_post(smooth.ValidationError):
            scorm_player.new_attempt(user, name)
            context.redirect_to = f"/lms/courses/{course}/learn/{name}"
        return
    status = "Incomplete" if context.form_dict.get("action") == "undo" else "Complete"
    with context.refused_post(smooth.ValidationError):
        learning.save_progress(name, status)
        following = _next_to_do(user, course, name) if status == "Complete" else None
        context.redirect_to = following.href if following else f"/lms/courses/{course}/learn/{name}"


def get_context(context: Any) -> None:
    user = learning.require_login(_("Log in to read lessons"))
    course = learning.course_for_viewer(context.form_dict["course"])
    programs.check_open(user, course["name"])  # a course a program keeps locked
    lesson = _lesson(course["name"], context.form_dict["lesson"])
    enrollment = progress.enrollment(user, course["name"])
    if not enrollment and not lesson["include_in_preview"] and not learning.sees_all_content(user):
        raise smooth.PermissionError(smooth._("Enrol in {0} to read its lessons", course['title']))
    in_order = progress.lessons(course["name"])
    position = next((i for i, item in enumerate(in_order) if item.name == lesson["name"]), None)
    context.course, context.lesson, context.enrollment = course, lesson, enrollment
    context.title = lesson["title"]
    context.number = in_order[position].number if position is not None else ""
    context.flow = lesson_flow.course_flow(user, course["name"])
    context.previous = context.flow.before(lesson_flow.LESSON, lesson["name"])
    following = context.flow.after(lesson_flow.LESSON, lesson["name"])
    context.next = following if following and following.kind == lesson_flow.LESSON else None
    context.body = lesson_body.to_html(lesson["body"])
    context.scorm = scorm_player.player(user, lesson)
    context.completed = lesson["name"] in progress.completed_lessons(user, course["name"])
    context.progress = float((enrollment or {}).get("progress") or 0)
    context.step = next_step.after_item(user, course, context.flow, lesson_flow.LESSON, lesson["name"],
                                        bool(enrollment and enrollment.get("completed"))) \
        if enrollment and context.next is None else None
    context.assignments = [a for a in assignments.course_assignments(course["name"]) if a["lesson"] == lesson["name"]]
    context.assignment_status = assignments.statuses(user, course["name"]) if context.assignments else {}
    _engagement(context, user, lesson, bool(enrollment))
    context.error = context.error or None


def _engagement(context: Any, user: str, lesson: dict[str, Any], enrolled: bool) -> None:
    """The player, the PDF and what the course's rules ask of this lesson, with what the learner has done."""
    context.player = video_sources.player(lesson)
    context.csp_sources = video_sources.csp_sources(context.player)
    context.pdf = lesson["file"] if video_sources.is_pdf(lesson["file"]) else None
    context.rules = lesson_rules.course_rules(lesson["course"])
    found = (lesson_rules.engagement(user, lesson["name"]) if enrolled else None) or {}
    context.watched = found
    context.watched_segments = ",".join(str(i) for i in sorted(
        video_evidence.parse_segments(found.get("watched_segments"))))
    context.why_not = lesson_rules.why_not_complete(user, lesson) if enrolled and not context.completed else None
    context.time_text = lesson_rules.duration_text
