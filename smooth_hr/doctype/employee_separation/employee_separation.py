"""Employee Separation: someone leaving; submitted once its activities are done, it offboards them
(smooth_hr.separation)."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_hr import boarding_templates, onboarding, separation
from smooth_hr.doctype.employee_boarding_activity.employee_boarding_activity import check_activity


class EmployeeSeparation(Document):
    def before_insert(self) -> None:
        boarding_templates.fill_activities(self, "employee_separation_template", "Employee Separation Template",
                                           "relieving_date")

    def validate(self) -> None:
        for row in self.activities or []:
            check_activity(row)
        self.set_status()

    def before_submit(self) -> None:
        status = smooth.db.get_value("Employee", self.employee, "status")
        if status == separation.LEFT:
            raise smooth.ValidationError(_("{0} has already left", self.employee_name or self.employee))
        open_rows = [row.activity_name for row in self.activities or [] if not int(row.completed or 0)]
        if open_rows:
            raise smooth.ValidationError(
                _("Complete every activity before submitting: {0} is still open", open_rows[0]) if len(open_rows) == 1
                else _("Complete every activity before submitting: {0} are still open", ", ".join(open_rows)))

    def on_submit(self) -> None:
        summary = separation.offboard(self.employee, self.relieving_date)
        self.db_set("offboarding_summary", summary)
        smooth.msgprint(summary)

    def before_update_after_submit(self) -> None:
        self.set_status()

    def set_status(self) -> None:
        now = smooth.now_datetime().replace(microsecond=0)
        for row in self.activities or []:
            row.completed_on = (row.completed_on or now) if int(row.completed or 0) else None
        self.boarding_status = onboarding.boarding_status(list(self.activities or []))
