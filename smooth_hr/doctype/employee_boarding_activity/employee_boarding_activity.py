"""Employee Boarding Activity: one step of an onboarding (a task, a document to upload, a policy to sign)."""

from __future__ import annotations

from typing import Any

import smooth
from smooth.model.document import Document

TASK, UPLOAD, POLICY = "Task", "Upload Document", "Policy Acknowledgment"


def check_activity(row: Any) -> None:
    """What each kind needs: an upload its document type; a policy its text or its file (one, so the
    signed hash says unambiguously what was signed)."""
    where = f"Activities row {row.idx} ({row.activity_name})"
    if row.kind == UPLOAD and not row.document_type:
        raise smooth.ValidationError(f"{where}: choose the Document Type the new hire uploads")
    if row.kind == POLICY:
        text = (row.policy_text or "").strip()
        if not text and not row.policy_file:
            raise smooth.ValidationError(f"{where}: give the policy as Policy Text or as a Policy File")
        if text and row.policy_file:
            raise smooth.ValidationError(f"{where}: give the policy as Policy Text or as a Policy File, not both: "
                                         "the signature covers exactly one")


class EmployeeBoardingActivity(Document):
    pass
