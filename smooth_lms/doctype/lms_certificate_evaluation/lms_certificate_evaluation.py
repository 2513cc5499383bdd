"""LMS Certificate Evaluation: the request's evaluator records the outcome; Pass or Fail completes the request.

Completing the request runs the request's own rules, so a Pass meets the mandatory-quiz gate;
a Fail completes it without the gate (nothing is certified) and frees the learner to book again.
"""

from __future__ import annotations

import datetime as dt

import smooth
from smooth.model.document import Document
from smooth_lms.permissions import is_staff

OUTCOMES = ("Pass", "Fail")


class LMSCertificateEvaluation(Document):
    date: dt.date | None

    def validate(self) -> None:
        if not self.certificate_request:
            return  # the mandatory check after validate names what is missing
        request = smooth.get_doc("LMS Certificate Request", self.certificate_request)
        user = smooth.session.user
        if not is_staff(user) and user != request.evaluator:
            raise smooth.PermissionError("Only the request's evaluator or a Moderator can record its evaluation")
        if request.status == "Cancelled":
            raise smooth.ValidationError(f"Request {request.name} was cancelled: there is nothing to evaluate")
        self.member, self.course, self.batch_name = request.member, request.course, request.batch_name
        self.evaluator = request.evaluator
        self.date = self.date or request.date
        before = self.get_doc_before_save()
        if before is not None and before.status in OUTCOMES and self.status != before.status and not is_staff(user):
            raise smooth.PermissionError(f"The outcome {before.status} is recorded; only a Moderator can change it")
        if self.status in OUTCOMES and request.status == "Pending":
            request.status = "Completed"
            request.flags.evaluation_outcome = self.status
            request.save(ignore_permissions=True)
