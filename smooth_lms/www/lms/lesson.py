"""/lms/courses/<course>/learn/<lesson>: the lesson, previous / next, and "mark complete" (a plain form post)."""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms import assignments, learning, lesson_body, next_step, programs, progress
from smooth_lms.scorm import player as scorm_player


def _lesson(course: str, name: str) -> dict[str, Any]:
    lesson = smooth.db.get_value("Course Lesson", name, ["name", "title", "course", "chapter", "body", "youtube",
                                                         "file", "include_in_preview", "scorm_folder"], as_dict=True)
    if not lesson or lesson["course"] != course:
        raise smooth.DoesNotExistError(f"Lesson {name} not found in this course")
    return lesson


def handle_post(context: Any) -> None:
    user = learning.require_login("complete lessons")
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
        following = learning.resume_lesson(user, course) if status == "Complete" else None
        context.redirect_to = f"/lms/courses/{course}/learn/{following.name}" if following else \
            f"/lms/courses/{course}/learn/{name}"


def get_context(context: Any) -> None:
    user = learning.require_login("read lessons")
    course = learning.course_for_viewer(context.form_dict["course"])
    programs.check_open(user, course["name"])  # a course a program keeps locked
    lesson = _lesson(course["name"], context.form_dict["lesson"])
    enrollment = progress.enrollment(user, course["name"])
    if not enrollment and not lesson["include_in_preview"] and not learning.sees_all_content(user):
        raise smooth.PermissionError(f"Enrol in {course['title']} to read its lessons")
    in_order = progress.lessons(course["name"])
    position = next((i for i, item in enumerate(in_order) if item.name == lesson["name"]), None)
    context.course, context.lesson, context.enrollment = course, lesson, enrollment
    context.title = lesson["title"]
    context.number = in_order[position].number if position is not None else ""
    context.previous = in_order[position - 1] if position else None
    context.next = in_order[position + 1] if position is not None and position + 1 < len(in_order) else None
    context.body = lesson_body.to_html(lesson["body"])
    context.video = lesson_body.youtube_url(lesson["youtube"])
    context.scorm = scorm_player.player(user, lesson)
    context.completed = lesson["name"] in progress.completed_lessons(user, course["name"])
    context.progress = float((enrollment or {}).get("progress") or 0)
    context.lessons_left = sum(1 for item in in_order if item.name not in progress.completed_lessons(
        user, course["name"]))
    context.step = next_step.after_lessons(user, course, bool(enrollment and enrollment.get("completed"))) \
        if enrollment and context.next is None else None
    context.assignments = [a for a in assignments.course_assignments(course["name"]) if a["lesson"] == lesson["name"]]
    context.assignment_status = assignments.statuses(user, course["name"]) if context.assignments else {}
    context.error = context.error or None
