"""Learners rate their evaluations; evaluators see only an anonymous summary of it.

After a completed request whose evaluation has an outcome (Pass or Fail), its learner may rate
the evaluation (1 to 5 stars) and comment, once, on /lms/evaluations/<request>. The LMS Evaluation
Feedback records are readable by Moderators and System Managers only (DocPerms): no role an
evaluator holds reads them, so REST, the desk, reports and link titles all refuse. An evaluator
sees their own summary here instead: the average, the count and recent comments without names,
dates or courses, and nothing until MIN_ANONYMOUS learners have rated them (an average of one
rating is that learner's rating).
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms.permissions import is_staff

DOCTYPE = "LMS Evaluation Feedback"
STARS = 5
MIN_ANONYMOUS = 3
RECENT = 10
OUTCOMES = ("Pass", "Fail")


def _evaluation_of(request: Any) -> dict[str, Any] | None:
    if request.status != "Completed":
        return None
    rows = smooth.get_all("LMS Certificate Evaluation", fields=["name", "evaluator", "course", "status"],
                          filters={"certificate_request": request.name, "status": ["in", list(OUTCOMES)]},
                          order_by="creation desc", limit=1)
    return rows[0] if rows else None


def feedback_state(request: Any, user: str) -> dict[str, Any] | None:
    """For the request's page: None when there is nothing to rate for `user`, else whether it is given."""
    if request.member != user:
        return None
    evaluation = _evaluation_of(request)
    if evaluation is None:
        return None
    given = smooth.db.get_value(DOCTYPE, {"evaluation": evaluation["name"]}, ["rating", "comment"], as_dict=True)
    return {"evaluation": evaluation["name"], "given": bool(given),
            "stars": round(float(given["rating"]) * STARS) if given else None,
            "comment": given["comment"] if given else None}


def awaiting_feedback(requests: list[dict[str, Any]]) -> set[str]:
    """Of the learner's requests, those completed with an outcome they have not rated yet (for their list)."""
    completed = [r["name"] for r in requests if r.get("status") == "Completed"]
    if not completed:
        return set()
    evaluations = smooth.get_all("LMS Certificate Evaluation", fields=["name", "certificate_request"], order_by="",
                                 filters={"certificate_request": ["in", completed], "status": ["in", list(OUTCOMES)]})
    rated = set(smooth.get_all(DOCTYPE, pluck="evaluation", order_by="",
                               filters={"evaluation": ["in", [e["name"] for e in evaluations] or [""]]}))
    return {e["certificate_request"] for e in evaluations if e["name"] not in rated}


@smooth.whitelist(methods=["POST"])
def give_feedback(request: str, rating: int | str, comment: str | None = None) -> dict[str, Any]:
    """The learner's rating (1-5) and comment on their completed evaluation; once per evaluation."""
    user = smooth.session.user
    if not smooth.db.exists("LMS Certificate Request", request):
        raise smooth.DoesNotExistError(smooth._("Evaluation request {0} not found", request))
    doc = smooth.get_doc("LMS Certificate Request", request)
    if doc.member != user:
        raise smooth.PermissionError(smooth._("Only the learner who was evaluated may rate this evaluation"))
    evaluation = _evaluation_of(doc)
    if evaluation is None:
        raise smooth.ValidationError(smooth._("You can rate an evaluation once it is completed with a Pass or Fail"))
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= STARS:
        raise smooth.ValidationError(smooth._("Choose a rating from 1 to {0} stars", STARS))
    if smooth.db.exists(DOCTYPE, {"evaluation": evaluation["name"]}):
        raise smooth.ValidationError(smooth._("You have already rated this evaluation; feedback is given once"))
    smooth.get_doc({"doctype": DOCTYPE, "evaluation": evaluation["name"], "course": evaluation["course"],
                    "evaluator": evaluation["evaluator"], "member": user,
                    "member_name": doc.member_name or user, "rating": stars / STARS,
                    "comment": (comment or "").strip() or None}).insert(ignore_permissions=True)
    return {"rating": stars}


def summary(evaluator: str, with_names: bool) -> dict[str, Any]:
    """One evaluator's feedback: average stars, count, recent comments (with learner and course only `with_names`)."""
    rows = smooth.get_all(DOCTYPE, fields=["rating", "comment", "member_name", "course", "creation"],
                          filters={"evaluator": evaluator}, order_by="creation desc")
    count = len(rows)
    hidden = not with_names and count < MIN_ANONYMOUS
    average = round(sum(float(r["rating"]) for r in rows) * STARS / count, 1) if count and not hidden else None
    comments = [] if hidden else [
        {"comment": r["comment"], **({"member_name": r["member_name"], "course": r["course"],
                                      "stars": round(float(r["rating"]) * STARS), "date": r["creation"]}
                                     if with_names else {})}
        for r in rows if r["comment"]][:RECENT]
    return {"evaluator": evaluator, "count": count, "average": average, "comments": comments, "hidden": hidden,
            "min_anonymous": MIN_ANONYMOUS}


@smooth.whitelist()
def evaluator_feedback(evaluator: str | None = None) -> list[dict[str, Any]]:
    """Moderators: every rated evaluator (or one), with names. An evaluator: their own summary, anonymous."""
    user = smooth.session.user
    if is_staff(user):
        evaluators = [evaluator] if evaluator else sorted(set(smooth.get_all(DOCTYPE, pluck="evaluator",
                                                                             order_by="")))
        return [summary(e, with_names=True) for e in evaluators]
    if "Batch Evaluator" not in smooth.get_roles(user) or evaluator not in (None, "", user):
        raise smooth.PermissionError(_("Evaluators see the summary of their own feedback only"))
    return [summary(user, with_names=False)]
