from __future__ import annotations

import smooth
from smooth.model.document import Document


class Department(Document):
    def validate(self) -> None:
        seen, parent = {self.name}, self.parent_department
        while parent:
            if parent in seen:
                raise smooth.ValidationError(f"Department {parent} cannot be its own parent (directly or through "
                                             "another department)")
            seen.add(parent)
            parent = smooth.db.get_value("Department", parent, "parent_department")
