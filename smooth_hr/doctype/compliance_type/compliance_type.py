from __future__ import annotations

import smooth
from smooth.model.document import Document
from smooth_hr.compliance_staging import stage_rows
from smooth_hr.compliance_status import reminder_days


class ComplianceType(Document):
    reminder_days: str | None

    def validate(self) -> None:
        if (self.renewal_period_months or 0) < 0:
            raise smooth.ValidationError("Renewal Period cannot be negative; 0 means it never expires")
        self.reminder_days = ", ".join(str(day) for day in reminder_days(self.reminder_days))
        for row in self.applies_to or []:
            if not (row.department or row.designation):
                raise smooth.ValidationError(f"Applies To row {row.idx}: choose a Department or a Designation")

    def on_update(self) -> None:
        before = self.get_doc_before_save()
        if before is not None and before.reminder_days != self.reminder_days:
            # the rows' stages start on other days now: each row's next action date follows
            stage_rows([self.name], reminder_days(self.reminder_days), smooth.today())
