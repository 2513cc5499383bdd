"""/onboarding/<onboarding>/<activity>: upload a requested document, or read and sign a policy.

A signature is the new hire's full name typed as on their employee record (case aside); the page posts it
with the "I agree" box, and a refusal comes back with the server's words and what was typed. `?download=`
`policy` sends the policy file, `document` the filed upload or signed PDF: both only to their owner.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_hr import onboarding_portal as portal
from smooth_hr import policy_acknowledgment as policies
from smooth_hr.doctype.employee_boarding_activity.employee_boarding_activity import POLICY, UPLOAD

PDF = "application/pdf"


def _target(context: Any, for_update: bool = False) -> tuple[Any, Any]:
    doc = portal.my_onboarding(context.user, context.form_dict.get("onboarding"), for_update)
    return doc, portal.activity(doc, context.form_dict.get("activity"))


def handle_post(context: Any) -> None:
    employee = portal.my_employee(context.user)
    doc, row = _target(context, for_update=True)
    form = context.form_dict
    with context.refused_post(smooth.SmoothError):
        if form.get("action") == "upload":
            portal.upload_document(doc, row, form.get("file"), employee)
            done = "uploaded"
        elif form.get("action") == "sign":
            portal.sign_policy(doc, row, employee, str(form.get("signature") or ""), form.get("agree") == "1",
                               context.client_ip or "")
            done = "signed"
        else:
            raise smooth.ValidationError(_("Unknown action"))
        context.redirect_to = f"/onboarding/{doc.name}?{done}=1#activity-{row.name}"
    if context.refusal:
        if form.get("action") == "upload":  # nothing was stored: say so rather than let the page look filled
            context.error += " The file was not kept: choose it again."
        context.typed = str(form.get("signature") or "")


def _download(context: Any, row: Any) -> None:
    wanted = context.form_dict.get("download")
    if wanted == "policy" and row.kind == POLICY and row.policy_file:
        name, content = portal.policy_file(row)
    elif wanted == "document" and row.employee_document:
        name, content = portal.stored_file(row.employee_document)
    else:
        raise smooth.DoesNotExistError(_("Nothing to download here"))
    kind = PDF if name.lower().endswith(".pdf") else "application/octet-stream"
    context.download = {"filename": name, "content": content, "content_type": kind}


def get_context(context: Any) -> None:
    employee = portal.my_employee(context.user)
    doc, row = _target(context)
    if context.form_dict.get("download"):
        _download(context, row)
        return
    if row.kind not in (UPLOAD, POLICY):
        raise smooth.DoesNotExistError(_("{0} has no page: it is a task", row.activity_name))
    context.title = row.activity_name
    context.employee = employee
    context.onboarding = doc
    context.row = row
    context.here = f"/onboarding/{doc.name}/{row.name}"
    if row.kind == UPLOAD:
        context.accepted = portal.accepted_types(row.document_type)
    else:
        context.policy_html = policies.policy_html(row)
        context.policy_hash = row.policy_hash or policies.policy_hash(row)
    context.error = context.error or None
    context.typed = context.typed or ""
