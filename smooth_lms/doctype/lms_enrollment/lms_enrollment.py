"""LMS Enrollment: a learner in a course, with progress computed from completed lessons; completed at 100%."""

from __future__ import annotations

from smooth import _
from smooth.exceptions import ValidationError
from smooth.model.document import Document
from smooth_lms import certificates, progress, training_assignments


class LMSEnrollment(Document):
    def before_insert(self) -> None:
        self.owner = self.member  # learners read their own enrollments (if_owner)

    def validate(self) -> None:
        computed = progress.computed_progress(self.member, self.course) if self.member and self.course else None
        if computed is not None:
            self.progress = computed  # whatever was sent: lessons decide
        value = float(self.progress or 0)
        if not 0 <= value <= 100:
            raise ValidationError(_("Progress must be between 0 and 100"))
        self.completed = int(value >= 100)

    def on_update(self) -> None:
        if self.completed:
            certificates.auto_issue(self.member, self.course)
            training_assignments.complete_assignments(self.member, self.course)
