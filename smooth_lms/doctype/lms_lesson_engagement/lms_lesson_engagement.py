"""LMS Lesson Engagement: written only by `smooth_lms.video_evidence` on the learner's behalf (they read their own)."""

from __future__ import annotations

import smooth
from smooth.model.document import Document


class LMSLessonEngagement(Document):
    course: str | None

    def before_insert(self) -> None:
        self.owner = self.member  # learners read their own evidence (if_owner)

    def validate(self) -> None:
        self.course = smooth.db.get_value("Course Lesson", self.lesson, "course") or self.course
