"""LMS Course Progress: one learner, one lesson, its status; the enrollment's progress follows."""

from __future__ import annotations

import smooth
from smooth.model.document import Document
from smooth_lms import progress


class LMSCourseProgress(Document):
    def before_insert(self) -> None:
        self.owner = self.member  # learners read their own progress (if_owner)

    def validate(self) -> None:
        lesson = smooth.db.get_value("Course Lesson", self.lesson, ["course", "chapter"], as_dict=True) or {}
        self.course, self.chapter = lesson.get("course"), lesson.get("chapter")

    def on_update(self) -> None:
        found = progress.enrollment(self.member, self.course) if self.course else None
        if found:
            smooth.get_doc("LMS Enrollment", found["name"]).save(ignore_permissions=True)
