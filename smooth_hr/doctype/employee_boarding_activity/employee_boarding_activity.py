"""Employee Boarding Activity: one step of an onboarding (a task, a document to upload, a policy to sign)."""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth.model.document import Document

TASK, UPLOAD, POLICY = "Task", "Upload Document", "Policy Acknowledgment"


def check_activity(row: Any) -> None:
    """What each kind needs: an upload its document type; a policy its text or its file (one, so the
    signed hash says unambiguously what was signed)."""
    where = _("Activities row {0} ({1})", row.idx, row.activity_name)
    if row.kind == UPLOAD and not row.document_type:
        raise smooth.ValidationError(_("{0}: choose the Document Type the new hire uploads", where))
    if row.kind == POLICY:
        text = (row.policy_text or "").strip()
        if not text and not row.policy_file:
            raise smooth.ValidationError(_("{0}: give the policy as Policy Text or as a Policy File", where))
        if text and row.policy_file:
            raise smooth.ValidationError(_("{0}: give the policy as Policy Text or as a Policy File, not both: "
                                           "the signature covers exactly one", where))


class EmployeeBoardingActivity(Document):
    pass
