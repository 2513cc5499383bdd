"""LMS Program Member: a learner in a program; its certificate number is the program certificate."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document

FIXED = ("program", "member", "certificate_number", "certificate_date")


class LMSProgramMember(Document):
    def before_insert(self) -> None:
        self.owner = self.member  # learners read and print their own membership (if_owner)

    def validate(self) -> None:
        before = self.get_doc_before_save()
        if before is None:
            return
        for fieldname in FIXED:
            if before.get(fieldname) and str(self.get(fieldname) or "") != str(before.get(fieldname)):
                raise smooth.ValidationError(_("{0} of a program member cannot change",
                                               _(self.meta.get_label(fieldname))))
