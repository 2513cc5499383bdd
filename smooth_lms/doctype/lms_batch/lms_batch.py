"""LMS Batch: a cohort of learners with shared courses, evaluators and an evaluation window."""

from __future__ import annotations

from smooth import _
from smooth.exceptions import ValidationError
from smooth.model.document import Document
from smooth_lms.naming import slug_name


class LMSBatch(Document):
    def autoname(self) -> None:
        self.name = self.name or slug_name(self.doctype, self.title)

    def validate(self) -> None:
        self.validate_dates()
        self.validate_no_duplicates("courses", "course")
        self.validate_no_duplicates("members", "member")

    def validate_dates(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(_("The cohort's end date is before its start date"))
        if self.evaluation_end_date and self.start_date and self.evaluation_end_date < self.start_date:
            raise ValidationError(_("The evaluation end date is before the cohort starts"))

    def validate_no_duplicates(self, table: str, field: str) -> None:
        seen: set[str] = set()
        for row in self.get(table) or []:
            value = row.get(field)
            if value and value in seen:
                raise ValidationError(_("Row #{0}: {1} is listed twice in {2}",
                                        row.idx, value, _(self.meta.get_label(table))))
            seen.add(value)
