"""LMS Enrollment: a learner in a course, with progress; completed at 100%."""

from __future__ import annotations

from smooth.exceptions import ValidationError
from smooth.model.document import Document


class LMSEnrollment(Document):
    def before_insert(self) -> None:
        self.owner = self.member  # learners read their own enrollments (if_owner)

    def validate(self) -> None:
        progress = float(self.progress or 0)
        if not 0 <= progress <= 100:
            raise ValidationError("Progress must be between 0 and 100")
        self.completed = int(progress >= 100)
