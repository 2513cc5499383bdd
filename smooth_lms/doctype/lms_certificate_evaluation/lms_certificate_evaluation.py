"""LMS Certificate Evaluation: the request's evaluator records the outcome; Pass or Fail completes the request.

Completing the request runs the request's own rules, so a Pass meets the mandatory-quiz gate;
a Fail completes it without the gate (nothing is certified) and frees the learner to book again.
With a rubric (the course's, unless another is chosen) the outcome must be what the marks give,
or come with an override reason.
"""

from __future__ import annotations

import datetime as dt

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_lms import rubrics
from smooth_lms.permissions import is_staff

OUTCOMES = ("Pass", "Fail")


class LMSCertificateEvaluation(Document):
    date: dt.date | None
    rubric: str | None

    def validate(self) -> None:
        if not self.certificate_request:
            return  # the mandatory check after validate names what is missing
        request = smooth.get_doc("LMS Certificate Request", self.certificate_request)
        user = smooth.session.user
        if not is_staff(user) and user != request.evaluator:
            raise smooth.PermissionError(_("Only the request's evaluator or a Moderator can record its evaluation"))
        if request.status == "Cancelled":
            raise smooth.ValidationError(_("Request {0} was cancelled: there is nothing to evaluate", request.name))
        self.member, self.course, self.batch_name = request.member, request.course, request.batch_name
        self.evaluator = request.evaluator
        self.date = self.date or request.date
        before = self.get_doc_before_save()
        if before is not None and before.status in OUTCOMES and self.status != before.status and not is_staff(user):
            raise smooth.PermissionError(_("The outcome {0} is recorded; only a Moderator can change it",
                                           _(before.status)))
        self.check_rubric()
        if self.status in OUTCOMES and request.status == "Pending":
            request.status = "Completed"
            request.flags.evaluation_outcome = self.status
            request.save(ignore_permissions=True)

    def before_insert(self) -> None:
        """The course's rubric, one row per criterion for the evaluator (set before naming, which names rows)."""
        course = smooth.db.get_value("LMS Certificate Request", self.certificate_request, "course")
        self.rubric = self.rubric or smooth.db.get_value("LMS Course", course, "evaluation_rubric")
        if self.rubric and not self.rubric_marks:
            self.set("rubric_marks", rubrics.blank_marks(self.rubric))

    def check_rubric(self) -> None:
        if not self.rubric:
            self.rubric_score = self.computed_outcome = None
            return
        score = rubrics.score(self.rubric, self.rubric_marks)
        self.rubric_score, self.computed_outcome = score.text, score.outcome
        if self.status in OUTCOMES and not score.outcome:
            raise smooth.ValidationError(
                _("Give every criterion of the rubric its points before recording {0}", _(self.status)))
        rubrics.check_override(self.status, score.outcome, self.override_reason)
