"""A department's compliance score on one day."""

from __future__ import annotations

from smooth.model.document import Document

NO_DEPARTMENT = "(No department)"


class ComplianceScoreSnapshot(Document):
    def autoname(self) -> None:
        # one row per day and department: a second scheduler's insert of the same day is a duplicate
        self.name = f"{self.snapshot_date} {self.department or NO_DEPARTMENT}"
