"""Employee Document Type: a kind of filed document, how long it stays valid and how early its expiry is reminded
(smooth_hr.document_reminders)."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_hr.doctype.compliance_type.compliance_type import warn_if_validity_differs


def file_types(text: str | None) -> list[str]:
    return [part.strip().lower().lstrip(".") for part in (text or "").split(",") if part.strip()]


class EmployeeDocumentType(Document):
    allowed_file_types: str | None

    def validate(self) -> None:
        if (self.default_validity_months or 0) < 0 or (self.reminder_lead_days or 0) < 0:
            raise smooth.ValidationError(_("Default Validity and Reminder Lead Days cannot be negative"))
        self.allowed_file_types = ", ".join(file_types(self.allowed_file_types))
        for kind in smooth.get_all("Compliance Type", filters={"document_type": self.name},
                                   fields=["name", "renewal_period_months"]):
            warn_if_validity_differs(kind["name"], kind["renewal_period_months"], str(self.name),
                                     self.default_validity_months)
