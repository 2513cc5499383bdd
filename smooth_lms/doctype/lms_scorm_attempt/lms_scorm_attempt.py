"""LMS SCORM Attempt: one learner's attempt at a SCORM lesson (written by smooth_lms/scorm/runtime.py)."""

from __future__ import annotations

import smooth
from smooth.model.document import Document


class LMSSCORMAttempt(Document):
    def before_insert(self) -> None:
        self.owner = self.member  # learners read their own attempts (if_owner)

    def validate(self) -> None:
        self.course = smooth.db.get_value("Course Lesson", self.lesson, "course")
