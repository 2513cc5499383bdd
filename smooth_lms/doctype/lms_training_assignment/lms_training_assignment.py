"""LMS Training Assignment: a course someone must finish by a date; one open assignment per member and course."""

from __future__ import annotations

import datetime as dt

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_lms.training_assignments import CLOSED, COMPLETED, OPEN, OVERDUE, open_key


class LMSTrainingAssignment(Document):
    status: str
    completed_on: dt.date | None

    def before_insert(self) -> None:
        self.owner = self.member  # the learner reads their own assignments (if_owner)

    def validate(self) -> None:
        if self.due_date and self.assigned_on and smooth.getdate(self.due_date) < smooth.getdate(self.assigned_on):
            raise smooth.ValidationError(_("Due Date cannot be before Assigned On"))
        if self.status == COMPLETED:
            self.completed_on = self.completed_on or smooth.today()
        else:
            self.completed_on = None
            if self.status == OPEN and self.due_date and smooth.getdate(self.due_date) < smooth.today():
                self.status = OVERDUE
        self.open_key = open_key(self.member, self.course) if self.status not in CLOSED else None
