"""Employee Separation Template: activities by department, designation and employment type."""

from __future__ import annotations

from smooth.model.document import Document
from smooth_hr.doctype.employee_boarding_activity.employee_boarding_activity import check_activity


class EmployeeSeparationTemplate(Document):
    def validate(self) -> None:
        for row in self.activities or []:
            check_activity(row)
