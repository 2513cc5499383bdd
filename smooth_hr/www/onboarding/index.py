"""/onboarding (and /onboarding/<onboarding>): the new hire's checklist, their training and what they filed.

Only the logged-in employee's own onboarding shows here; another's is "not found". Tasks assigned to the
new hire (or to nobody) are ticked off with a plain form post, so the page works without JavaScript.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_hr import onboarding_portal as portal

NOTICES = {"done": "Marked as done", "uploaded": "Document uploaded and filed", "signed": "Policy signed"}


def handle_post(context: Any) -> None:
    doc = portal.my_onboarding(context.user, context.form_dict.get("onboarding"), for_update=True)
    row = portal.activity(doc, context.form_dict.get("activity"))
    if context.form_dict.get("action") != "done":
        raise smooth.ValidationError(_("Unknown action"))
    with context.refused_post(smooth.SmoothError):
        portal.tick_task(doc, row, context.user)
        context.redirect_to = f"/onboarding/{doc.name}?done=1#activity-{row.name}"


def get_context(context: Any) -> None:
    employee = portal.my_employee(context.user)
    doc = portal.my_onboarding(context.user, context.form_dict.get("onboarding"))
    items = portal.checklist(doc, context.user)
    context.title = "Your onboarding"
    context.employee = employee
    context.onboarding = doc
    context.items = items
    context.done_count = sum(1 for i in items if i["done"])
    context.training = portal.training(context.user)
    context.notice = next((text for key, text in NOTICES.items() if context.form_dict.get(key)), None)
    context.error = context.error or None
