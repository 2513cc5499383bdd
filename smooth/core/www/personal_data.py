"""/personal-data (the account menu's "My data"): ask for a copy of your data and download it when ready, or
ask for your data to be deleted. Every person has it, learner, employee or desk user: the records it covers
are the apps' `user_data_fields` (docs/personal-data.md)."""

from __future__ import annotations

from typing import Any

from smooth.context import session_user
from smooth.core.doctype.personal_data_deletion_request.personal_data_deletion_request import (
    DOCTYPE as DELETIONS,
)
from smooth.core.doctype.personal_data_download_request.personal_data_download_request import (
    DOCTYPE as DOWNLOADS,
)
from smooth.exceptions import PermissionError, TooManyRequestsError, ValidationError
from smooth.messages import _, _lazy
from smooth.model.database_api import document_db
from smooth.model.records import get_doc

SHOWN = 10
DONE = {"download": _lazy("Your request is in: we will mail you when your data is ready to download."),
        "delete": _lazy("Check your mail: confirm the request from the link we sent, then it goes to review.")}


def _viewer() -> str:
    user = session_user()
    if user == "Guest":
        raise PermissionError(_("Log in to see and request your data"))
    return user


def get_context(context: Any) -> None:
    user = _viewer()
    database = document_db()
    context.title = _("My data")
    context.downloads = database.get_all(DOWNLOADS, filters={"user": user},
                                         fields=["name", "status", "creation", "data_file", "error"],
                                         order_by="creation desc", limit_page_length=SHOWN)
    context.deletions = database.get_all(DELETIONS, filters={"email": user},
                                         fields=["name", "status", "creation", "rejection_reason"],
                                         order_by="creation desc", limit_page_length=SHOWN)
    context.download_pending = any(d["status"] == "Pending" for d in context.downloads)
    context.deletion_open = any(d["status"] in ("Pending Verification", "Pending Approval")
                                for d in context.deletions)
    done = DONE.get(str(context.form_dict.get("requested") or ""))
    context.done = str(done) if done else None


def handle_post(context: Any) -> None:
    user = _viewer()
    action = context.form_dict.get("action")
    if action not in DONE:
        raise ValidationError(_("Unknown action: choose download or delete"))
    with context.refused_post(ValidationError, PermissionError, TooManyRequestsError):
        if action == "delete" and not context.form_dict.get("understood"):
            raise ValidationError(_("Tick the box to say you understand that deletion closes your account"))
        if action == "download":
            get_doc({"doctype": DOWNLOADS, "user": user}).insert()
        else:
            get_doc({"doctype": DELETIONS, "email": user}).insert()
        context.redirect_to = f"{context.path}?requested={action}"  # /personal-data, or /lms/my-data
