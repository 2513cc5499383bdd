from __future__ import annotations

import smooth
from smooth.model.document import Document


def file_types(text: str | None) -> list[str]:
    return [part.strip().lower().lstrip(".") for part in (text or "").split(",") if part.strip()]


class EmployeeDocumentType(Document):
    allowed_file_types: str | None

    def validate(self) -> None:
        if (self.default_validity_months or 0) < 0 or (self.reminder_lead_days or 0) < 0:
            raise smooth.ValidationError("Default Validity and Reminder Lead Days cannot be negative")
        self.allowed_file_types = ", ".join(file_types(self.allowed_file_types))
