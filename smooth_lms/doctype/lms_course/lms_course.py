"""LMS Course: a training container; evaluation_required courses certify through a live evaluation."""

from __future__ import annotations

from smooth.model.document import Document
from smooth_lms import authorship, evaluator_gaps, progress
from smooth_lms.naming import slug_name


class LMSCourse(Document):
    def autoname(self) -> None:
        self.name = self.name or slug_name(self.doctype, self.title)

    def before_insert(self) -> None:
        authorship.add_creator_as_instructor(self)

    def on_update(self) -> None:
        if self.evaluator:
            evaluator_gaps.resolve([self.name])
        before = self.get_doc_before_save()
        if before is not None and [r.chapter for r in before.chapters or []] != [r.chapter for r in self.chapters]:
            progress.refresh_course(self.name)  # the outline changed: every enrollment's share did too
