"""/lms/evaluations: my evaluation requests (Pending, Completed, Cancelled), and those I evaluate."""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import feedback, learning
from smooth_lms.certification import REQUEST_FIELDS, request_view


def get_context(context: Any) -> None:
    user = learning.require_login(_("Log in to see your evaluations"))
    site = smooth.local.site.name
    context.title = smooth._("My evaluations")
    mine = smooth.get_list("LMS Certificate Request", fields=REQUEST_FIELDS, filters={"member": user},
                           order_by="start_utc desc", limit=200)
    context.requests = [request_view(r, site) for r in mine]
    context.to_rate = feedback.awaiting_feedback(mine)
    evaluating = smooth.get_list("LMS Certificate Request", fields=REQUEST_FIELDS,
                                 filters={"evaluator": user, "status": "Pending"}, order_by="start_utc asc",
                                 limit=200)
    context.evaluating = [request_view(r, site) for r in evaluating]
    context.notice = smooth._("Evaluation cancelled") if context.form_dict.get("cancelled") else None
