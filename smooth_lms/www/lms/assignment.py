"""/lms/courses/<course>/assignment/<assignment>: read the instructions, hand in, see the grade, resubmit.

The form posts the answer (text, a link, or a file: multipart) and the submission's controller
checks it; a refused answer comes back with the server's words and, for text and links, what was
typed. The learner's attempts are listed newest first with their status, marks and comments.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import assignments, learning, lesson_body, lesson_flow, next_step, programs, progress, rubrics
from smooth_lms.assignments import FILE, URL
from smooth_lms.certification import learner_zone
from smooth_lms.timezones import describe, occurrences


def _assignment(course: str, name: str) -> Any:
    if not smooth.db.exists("LMS Assignment", name) or smooth.db.get_value("LMS Assignment", name, "course") != course:
        raise smooth.DoesNotExistError(smooth._("Assignment {0} not found in this course", name))
    return smooth.get_doc("LMS Assignment", name)


def handle_post(context: Any) -> None:
    learning.require_login(_("Log in to hand in assignments"))
    form = context.form_dict
    learning.course_for_viewer(form["course"])
    assignment = _assignment(form["course"], form["assignment"])
    with context.refused_post():
        answer_file = assignments.store_upload(assignment, form.get("file")) if assignment.answer_type == FILE \
            else None
        result = assignments.submit_assignment(assignment.name, answer=form.get("answer"),
                                               answer_url=form.get("answer_url"), answer_file=answer_file)
        context.redirect_to = f"/lms/courses/{form['course']}/assignment/{assignment.name}?submitted={result['name']}"
    if context.refusal and assignment.answer_type == FILE:
        context.error = smooth._("{0}. The file was not kept: choose it again.", context.error.rstrip('.'))


def on_clock(value: Any, viewer_zone: str) -> str:
    """A recorded time (system zone) as the learner reads it: on their clock, the zone named."""
    if not value:
        return ""
    found = occurrences(value.date(), value.time().replace(microsecond=0), smooth.local.site.time_zone)
    return describe(found[0], viewer_zone) if found else f"{value:%Y-%m-%d %H:%M}"


def attempts(user: str, assignment: str, viewer_zone: str) -> list[dict[str, Any]]:
    """The viewer's attempts, newest first, each with its rubric marks (as the learner reads them)."""
    rows = smooth.get_all(assignments.SUBMISSION, filters={"member": user, "assignment": assignment},
                          fields=["name", "attempt", "status", "submitted_on", "late", "answer", "answer_url",
                                  "answer_file", "mark", "out_of", "comments", "graded_on", "rubric"],
                          order_by="attempt desc")
    marks = smooth.get_all("Rubric Mark", fields=["parent", "criterion", "points", "out_of", "comment"],
                           filters={"parenttype": assignments.SUBMISSION, "parent": ["in", [r["name"] for r in rows]]},
                           order_by="idx asc") if rows else []
    for row in rows:
        row["marks"] = rubrics.learner_marks([m for m in marks if m["parent"] == row["name"]])
        row["file_name"] = str(row["answer_file"] or "").rsplit("/", 1)[-1]
        row["submitted"], row["graded"] = on_clock(row["submitted_on"], viewer_zone), on_clock(row["graded_on"],
                                                                                                viewer_zone)
        row["total"] = sum(float(m["points"] or 0) for m in row["marks"]) if row["rubric"] else row["mark"]
    return rows


def get_context(context: Any) -> None:
    user = learning.require_login(_("Log in to hand in assignments"))
    form = context.form_dict
    course = learning.course_for_viewer(form["course"])
    programs.check_open(user, course["name"])  # a course a program keeps locked
    doc = _assignment(course["name"], form["assignment"])
    context.course, context.title = course, f"{doc.title} · {course['title']}"
    context.assignment = doc
    context.instructions = lesson_body.to_html(doc.instructions)
    context.enrollment = progress.enrollment(user, course["name"])
    viewer_zone = learner_zone(user, None)
    context.attempts = attempts(user, doc.name, viewer_zone)
    context.why_not = assignments.why_not_submit(user, doc) if context.enrollment else None
    batch = (context.enrollment or {}).get("batch") or next(iter(learning.cohorts_with(user, course["name"])), None)
    context.due = assignments.due_date(doc, batch)
    context.overdue = bool(context.due and smooth.now_datetime() > context.due)
    context.due_label = on_clock(context.due, viewer_zone)
    context.accept = ",".join("." + t for t in assignments.file_types(doc))
    context.max_size = f"{assignments.max_bytes(doc) // (1024 * 1024)} MB"
    context.is_url = doc.answer_type == URL
    context.submitted = bool(form.get("submitted"))
    context.error = context.error or None
    context.kept = form if context.error else {}
    context.flow = lesson_flow.course_flow(user, course["name"]) if context.enrollment else None
    context.step = next_step.after_item(user, course, context.flow, lesson_flow.ASSIGNMENT, doc.name, bool(
        context.enrollment.get("completed"))) if context.flow and context.attempts else None
