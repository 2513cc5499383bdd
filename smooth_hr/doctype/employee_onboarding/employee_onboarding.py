"""Employee Onboarding: a new hire's checklist; submitting it enrols them in their courses (smooth_hr.onboarding)."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_hr import boarding_templates, onboarding
from smooth_hr.doctype.employee_boarding_activity.employee_boarding_activity import check_activity


class EmployeeOnboarding(Document):
    def before_insert(self) -> None:
        boarding_templates.fill_activities(self, "employee_onboarding_template", "Employee Onboarding Template",
                                           "date_of_joining")

    def validate(self) -> None:
        for row in self.activities or []:
            check_activity(row)
        self.set_status()

    def before_submit(self) -> None:
        onboarding.require_learner(self.employee)
        other = smooth.get_all(onboarding.ONBOARDING, pluck="name", limit_page_length=1, filters={
            "employee": self.employee, "docstatus": 1, "boarding_status": ["!=", onboarding.COMPLETED],
            "name": ["!=", self.name]})
        if other:
            raise smooth.ValidationError(
                _("{0} already has an open onboarding, {1}: complete or cancel it first",
                  self.employee_name or self.employee, other[0]))

    def on_submit(self) -> None:
        onboarding.enrol(self)
        if not self.amended_from:
            onboarding.send_welcome(self)

    def before_update_after_submit(self) -> None:
        self.set_status()

    def set_status(self) -> None:
        now = smooth.now_datetime().replace(microsecond=0)
        for row in self.activities or []:
            if int(row.completed or 0):
                row.completed_on = row.completed_on or now
            else:
                row.completed_on = None
        self.boarding_status = onboarding.boarding_status(list(self.activities or []))
