"""`/app/evaluator-feedback`: learners' ratings of evaluations, per evaluator (smooth_lms/feedback.py).

Moderators see every evaluator, each comment with its learner; an evaluator sees their own summary only,
without names.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms import feedback
from smooth_lms.permissions import is_staff


def get_context(context: Any) -> None:
    context.title = "Evaluator Feedback"
    context.staff = is_staff(smooth.session.user)
    chosen = str(context.form_dict.get("evaluator") or "").strip() if context.staff else ""
    context.summaries = feedback.evaluator_feedback(chosen or None)
    names = {u["name"]: u["full_name"] for u in smooth.get_all(
        "User", fields=["name", "full_name"], filters={"name": ["in", [s["evaluator"] for s in context.summaries]
                                                                 or [""]]})}
    for s in context.summaries:
        s["evaluator_name"] = names.get(s["evaluator"]) or s["evaluator"]
