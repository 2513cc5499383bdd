"""Employee: a person on the payroll; `reports_to` draws the manager tree that scopes what managers see."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document

MAX_CHAIN = 100


class Employee(Document):
    def validate(self) -> None:
        self.employee_name = " ".join(part.strip() for part in (self.first_name, self.last_name) if part and
                                      part.strip())
        self.validate_manager()
        for fieldname, label in (("relieving_date", "Relieving Date"), ("probation_end_date", "Probation End Date")):
            if self.get(fieldname) and self.date_of_joining and \
                    smooth.getdate(self.get(fieldname)) < smooth.getdate(self.date_of_joining):
                raise smooth.ValidationError(_("{0} cannot be before Date of Joining", _(label)))

    def before_insert(self) -> None:
        if self.user_id:
            self.owner = self.user_id  # the employee reads their own record (if_owner)

    def validate_manager(self) -> None:
        if not self.reports_to:
            return
        seen, manager = {self.name}, self.reports_to
        for _step in range(MAX_CHAIN):
            if not manager:
                return
            if manager in seen:
                raise smooth.ValidationError(
                    _("Manager: {0} cannot report to {1}: that makes a loop in the reporting line",
                      self.employee_name, self.reports_to))
            seen.add(manager)
            manager = smooth.db.get_value("Employee", manager, "reports_to")
        raise smooth.ValidationError(_("Manager: the reporting line is longer than 100 levels"))
