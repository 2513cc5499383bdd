"""/notifications: a portal user's notices (Notification Log), newest first, to read and mark read.

Desk users have the desk's Notification Log list; a learner or an employee who never opens the desk
reads here what a Notification sent them in-app. The list is the viewer's own (the record rule).
"""

from __future__ import annotations

from typing import Any

from smooth.context import session_user
from smooth.email.rendering import html_to_text
from smooth.exceptions import PermissionError
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.listing import get_list

DOCTYPE = "Notification Log"
SHOWN = 50


def _viewer() -> str:
    user = session_user()
    if user == "Guest":
        raise PermissionError(_("Log in to see your notifications"))
    return user


def get_context(context: Any) -> None:
    user = _viewer()
    rows = get_list(DOCTYPE, fields=["name", "subject", "read", "creation", "document_type", "document_name",
                                     "email_content"], filters={"for_user": user}, order_by="creation desc",
                    limit_page_length=SHOWN)
    for row in rows:
        row["text"] = html_to_text(row["email_content"] or "").strip()
    context.title = _("Notifications")
    context.notices = rows
    context.unread = sum(1 for row in rows if not row["read"])


def handle_post(context: Any) -> None:
    """Mark one notice (`name`) or all of the viewer's as read."""
    user = _viewer()
    name = str(context.form_dict.get("name") or "")
    filters: dict[str, Any] = {"for_user": user, "read": 0}
    if name:
        filters["name"] = name
    mine = get_list(DOCTYPE, filters=filters, pluck="name")
    if mine:
        document_db().set_value(DOCTYPE, [["name", "in", mine]], "read", 1, update_modified=False)
    context.redirect_to = "/notifications"
