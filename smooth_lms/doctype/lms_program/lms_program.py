"""LMS Program: an ordered list of courses; saving it enrols its cohorts' members (smooth_lms/programs.py)."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_lms import programs
from smooth_lms.naming import slug_name
from smooth_lms.permissions import is_staff


class LMSProgram(Document):
    def autoname(self) -> None:
        self.name = self.name or slug_name(self.doctype, self.title)

    def validate(self) -> None:
        seen: set[str] = set()
        for row in self.get("program_courses") or []:
            if not row.course:
                continue  # the mandatory check names it
            if row.course in seen:
                raise smooth.ValidationError(_("Row #{0}: {1} is listed twice in Courses", row.idx, row.course))
            seen.add(row.course)
        before = self.get_doc_before_save()
        cohorts = sorted(row.batch or "" for row in self.get("cohorts") or [])
        earlier = sorted(row.batch or "" for row in before.get("cohorts") or []) if before is not None else []
        if cohorts != earlier and not is_staff(smooth.session.user):
            raise smooth.PermissionError(_("Only Moderators enrol cohorts in programs: ask one to change Cohorts"))

    def on_update(self) -> None:
        programs.sync_program(self)
