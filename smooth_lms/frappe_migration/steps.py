"""The source doctypes in the order they are read, so that every Link finds its target already here.

`fields` are read from the list (Frappe LMS's field names, from its doctype JSON); a step
without them reads each record whole, for its child tables. Certificates come before
enrollments and progress: a completed enrollment would otherwise issue a new certificate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from smooth_lms.frappe_migration import certification, cohorts, content, people
from smooth_lms.frappe_migration.mapping import Migration, Row, Target


@dataclass(frozen=True)
class Step:
    doctype: str
    migrate: Callable[[Migration, Row], Target]
    fields: tuple[str, ...] | None = None
    parent: str | None = None  # a child table, listed through its parent doctype
    then: Callable[[Migration, Row], None] | None = None  # once the record is remembered: what hangs from it


STEPS = (
    Step("User", people.user, ("name", "email", "first_name", "last_name", "enabled", "user_type", "time_zone")),
    Step("Has Role", people.role, ("name", "parent", "role"), parent="User"),
    Step("Course Evaluator", people.evaluator),
    Step("LMS Course", content.course, then=content.outline),
    Step("Course Chapter", content.chapter, then=content.chapter_lessons),
    Step("Course Lesson", content.lesson),
    Step("LMS Quiz", content.quiz),
    Step("LMS Batch", cohorts.batch),
    Step("LMS Batch Enrollment", cohorts.batch_member, ("name", "batch", "member")),
    Step("LMS Certificate Request", certification.request,
         ("name", "member", "course", "evaluator", "date", "start_time", "end_time", "timezone", "batch_name",
          "google_meet_link", "status")),
    Step("LMS Certificate Evaluation", certification.evaluation,
         ("name", "member", "course", "evaluator", "date", "start_time", "end_time", "status", "rating", "summary",
          "batch_name")),
    Step("LMS Certificate", certification.certificate,
         ("name", "member", "course", "batch_name", "issue_date", "expiry_date", "published")),
    Step("LMS Enrollment", cohorts.enrollment, ("name", "member", "course", "progress", "enrollment_from_batch")),
    Step("LMS Course Progress", cohorts.progress, ("name", "member", "course", "chapter", "lesson", "status")),
)

# how the report lists them: LMS Question is read for each quiz, and reported before it
REPORTED = [step.doctype for step in STEPS[:6]] + ["LMS Question"] + [step.doctype for step in STEPS[6:]]
