"""A Frappe-style controller filling a mandatory field in `validate`, as Frappe allows."""

from __future__ import annotations

from smooth.model.document import Document


class TestPerson(Document):
    def validate(self) -> None:
        self.full_name = " ".join(part for part in (self.first_name, self.last_name) if part) or None
