"""LMS Assignment: instructions, the answer it takes, how it is graded; adding or moving one changes progress."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_lms import assignments, progress
from smooth_lms.naming import slug_name


class LMSAssignment(Document):
    rubric: str | None
    allowed_file_types: str | None

    def autoname(self) -> None:
        self.name = self.name or slug_name(self.doctype, self.title)

    def validate(self) -> None:
        if self.lesson and self.course and self.lesson not in {lesson.name for lesson in progress.lessons(self.course)}:
            raise smooth.ValidationError(_("Lesson {0} is not a lesson of course {1}", self.lesson, self.course))
        if self.grading == "Rubric" and not self.rubric:
            raise smooth.ValidationError(_("Choose the Rubric this assignment is graded with, or grade it by Mark"))
        if self.grading == "Mark" and not 0 < float(self.pass_mark or 0) <= float(self.max_mark or 0):
            raise smooth.ValidationError(_("Pass Mark must be more than 0 and at most the Max Mark"))
        if self.grading == "Mark":
            self.rubric = None
        if int(self.max_attempts or 0) < 0 or int(self.max_file_size_mb or 0) < 0:
            raise smooth.ValidationError(_("Max Attempts and Max File Size cannot be negative (0 means the default)"))
        self.allowed_file_types = ", ".join(assignments.file_types(self)) if self.answer_type == assignments.FILE \
            else self.allowed_file_types
        seen = set()
        for row in self.due_dates or []:
            if row.batch and row.batch in seen:
                raise smooth.ValidationError(_("Cohort {0} has two due dates; keep one", row.batch))
            seen.add(row.batch)

    def on_update(self) -> None:
        progress.refresh_moved(self)

    def on_trash(self) -> None:
        if smooth.db.exists(assignments.SUBMISSION, {"assignment": self.name}):
            raise smooth.ValidationError(_("{0} has submissions; it cannot be deleted", self.title))

    def after_delete(self) -> None:
        progress.refresh_course(self.course)
