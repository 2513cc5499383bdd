"""Employee Compliance: one obligation of one employee, its renewal date derived from the type's period."""

from __future__ import annotations

import datetime as dt

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_hr.compliance_status import UNTRACKED, due_on, reminder_days, renewal_date, status_on


class EmployeeCompliance(Document):
    status: str
    completion_date: dt.date | None
    renewal_date: dt.date | None
    next_action_date: dt.date | None

    def validate(self) -> None:
        if not self.compliance_type:
            return  # the mandatory check after validate names what is missing
        # the two values, not the whole document: an import validates thousands of rows
        kind = smooth.db.get_value("Compliance Type", self.compliance_type,
                                   ["renewal_period_months", "reminder_days"], as_dict=True)
        if kind is None:
            return  # the link check names the missing Compliance Type
        if self.status not in UNTRACKED and not self.completion_date:
            raise smooth.ValidationError(_("Completion Date is needed to mark {0} {1}",
                                           self.compliance_type, _(self.status)))
        if self.completion_date and smooth.getdate(self.completion_date) > smooth.today():
            raise smooth.ValidationError(_("Completion Date cannot be in the future"))
        self.renewal_date = renewal_date(self.completion_date, kind["renewal_period_months"])
        stages = reminder_days(kind["reminder_days"])
        if self.status not in UNTRACKED:
            self.status = status_on(smooth.today(), self.completion_date, self.renewal_date, (stages or [0])[0])
        # re-staged on every save: a corrected or imported row is found by the next daily run
        self.next_action_date = due_on(smooth.today(), self.status, self.renewal_date, stages)
        if self.evidence:
            owner = smooth.db.get_value("Employee Document", self.evidence, "employee")
            if owner != self.employee:
                raise smooth.ValidationError(_("Evidence {0} is on another employee's file", self.evidence))
