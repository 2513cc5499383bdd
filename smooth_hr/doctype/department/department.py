from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document


class Department(Document):
    def validate(self) -> None:
        seen, parent = {self.name}, self.parent_department
        while parent:
            if parent in seen:
                raise smooth.ValidationError(_("Department {0} cannot be its own parent (directly or through "
                                               "another department)", parent))
            seen.add(parent)
            parent = smooth.db.get_value("Department", parent, "parent_department")
