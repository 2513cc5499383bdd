"""Evaluation Rubric: criteria, levels and the pass mark; each criterion's maximum comes from its levels."""

from __future__ import annotations

from smooth.model.document import Document
from smooth_lms.naming import slug_name
from smooth_lms.rubrics import check_rubric


class EvaluationRubric(Document):
    def autoname(self) -> None:
        self.name = self.name or slug_name(self.doctype, self.title)

    def validate(self) -> None:
        check_rubric(self)
