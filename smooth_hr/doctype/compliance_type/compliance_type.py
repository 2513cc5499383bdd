"""Compliance Type: a requirement every employee in scope renews (a course, a document), with staged reminders."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_hr.compliance_staging import stage_rows
from smooth_hr.compliance_status import reminder_days


class ComplianceType(Document):
    reminder_days: str | None

    def validate(self) -> None:
        if (self.renewal_period_months or 0) < 0:
            raise smooth.ValidationError(_("Renewal Period cannot be negative; 0 means it never expires"))
        self.reminder_days = ", ".join(str(day) for day in reminder_days(self.reminder_days))
        for row in self.applies_to or []:
            if not (row.department or row.designation):
                raise smooth.ValidationError(_("Applies To row {0}: choose a Department or a Designation", row.idx))
        if self.document_type:
            months = smooth.db.get_value("Employee Document Type", self.document_type, "default_validity_months")
            warn_if_validity_differs(str(self.name or self.compliance_type), self.renewal_period_months,
                                     self.document_type, months)

    def on_update(self) -> None:
        before = self.get_doc_before_save()
        if before is not None and before.reminder_days != self.reminder_days:
            # the rows' stages start on other days now: each row's next action date follows
            stage_rows([self.name], reminder_days(self.reminder_days), smooth.today())


def warn_if_validity_differs(compliance_type: str, renewal_months: int | None, document_type: str,
                             validity_months: int | None) -> bool:
    """Say so (a warning, not a refusal) when a compliance type renews on another period than the document it
    requires stays valid: the row would be Complete while the document had lapsed, or the other way round."""
    renewal, validity = int(renewal_months or 0), int(validity_months or 0)
    if renewal == validity:
        return False
    smooth.msgprint(_("{0} renews {1}, but the {2} it requires is renewed {3}: align the Renewal Period and the "
                      "document type's Default Validity, or reminders and the compliance status will disagree with "
                      "the document on file.", compliance_type, _period(renewal), document_type, _period(validity)),
                    title="Validity periods disagree", indicator="orange")
    return True


def _period(months: int) -> str:
    return "never (no expiry)" if not months else f"every {months} month{'s' if months != 1 else ''}"
