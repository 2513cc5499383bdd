"""/lms/evaluations/<request>: the confirmation and details of one request; cancel while Pending.

Readable by the learner, the evaluator and staff (the request's record rule); anyone else gets
the not-permitted page. Cancelling asks first: a cancel posted without `confirmed` changes
nothing and comes back as a "cancel this evaluation?" section (no script needed). A cancel
inside the cutoff comes back with the server's message.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import api, feedback, learning, next_step, rubrics
from smooth_lms.certification import request_view
from smooth_lms.notifications import unsent_mail
from smooth_lms.permissions import is_staff


def _request(name: str) -> Any:
    if not smooth.db.exists("LMS Certificate Request", name):
        raise smooth.DoesNotExistError(smooth._("Evaluation request {0} not found", name))
    doc = smooth.get_doc("LMS Certificate Request", name)
    doc.check_permission("read")
    return doc


def handle_post(context: Any) -> None:
    learning.require_login(_("Log in to change your evaluation"))
    name = context.form_dict["request"]
    _request(name)
    if context.form_dict.get("action") == "feedback":
        with context.refused_post():
            feedback.give_feedback(name, context.form_dict.get("rating"), context.form_dict.get("comment"))
            context.redirect_to = f"/lms/evaluations/{name}?rated=1#feedback"
        return
    if context.form_dict.get("action") != "cancel":
        raise smooth.ValidationError(smooth._("Unknown action"))
    if not context.form_dict.get("confirmed"):
        context.confirm_cancel = True
        return
    with context.refused_post():
        api.cancel_evaluation(name, reason=context.form_dict.get("reason") or None)
        back = context.form_dict.get("back")
        context.redirect_to = "/lms/evaluations?cancelled=1" if back == "/lms/evaluations" else \
            f"/lms/evaluations/{name}?cancelled=1"


def outcome(request: str) -> dict[str, Any] | None:
    """The recorded outcome as the learner reads it: outcome, rating, score, marks and summary (no private notes)."""
    row = smooth.db.get_value("LMS Certificate Evaluation", {"certificate_request": request},
                              ["name", "status", "rating", "summary", "rubric_score", "date"], as_dict=True)
    if not row or row["status"] not in ("Pass", "Fail"):
        return None
    marks = smooth.get_all("Rubric Mark", fields=["criterion", "points", "out_of", "comment"], order_by="idx asc",
                           filters={"parenttype": "LMS Certificate Evaluation", "parent": row["name"]})
    return {**row, "marks": rubrics.learner_marks(marks)}


def get_context(context: Any) -> None:
    user = learning.require_login(_("Log in to see your evaluation"))
    doc = _request(context.form_dict["request"])
    context.r = request_view(doc.as_dict(), smooth.local.site.name)
    context.title = smooth._("Evaluation {0}", doc.name)
    context.is_learner = doc.member == user
    context.can_override = doc.evaluator == user or is_staff(user)
    form = context.form_dict
    context.notice = (smooth._("Evaluation booked: it is Pending until the evaluator completes it")
                      if form.get("booked")
                      else smooth._("Evaluation rescheduled") if form.get("rescheduled")
                      else smooth._("Evaluation cancelled") if form.get("cancelled")
                      else smooth._("Thank you: your feedback is recorded") if form.get("rated") else None)
    context.feedback = feedback.feedback_state(doc, user)
    context.earned = next_step.certificate_step(doc.member, doc.course) if doc.certificate else None
    context.outcome = outcome(doc.name)
    context.error = context.error or None
    context.confirm_cancel = bool(context.confirm_cancel and doc.status == "Pending")
    context.back = form.get("back") if form.get("back") == "/lms/evaluations" else ""
    context.mail_notice = (smooth._("The email about this evaluation could not be sent to you; the site's "
                                    "administrators have been told. The evaluation itself is as shown here.")
                           if unsent_mail(doc.name, user) else None)
