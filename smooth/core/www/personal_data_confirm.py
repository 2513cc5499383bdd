"""/personal-data/confirm?request=...&token=...: the link a deletion request mails. Opening it shows a Confirm
button; only its POST confirms (a link scanner's GET changes nothing). No login is needed: the token is the
proof that the mailbox's owner asked."""

from __future__ import annotations

from typing import Any

from smooth.core.doctype.personal_data_deletion_request.personal_data_deletion_request import confirm
from smooth.messages import _


def _arg(context: Any, key: str) -> str:
    value = context.form_dict.get(key)
    return value if isinstance(value, str) else ""


def get_context(context: Any) -> None:
    context.title = _("Confirm the deletion of your data")
    context.request_name, context.token = _arg(context, "request"), _arg(context, "token")
    context.confirmed = bool(context.confirmed)


def handle_post(context: Any) -> None:
    confirm(_arg(context, "request"), _arg(context, "token"))
    context.confirmed = True
