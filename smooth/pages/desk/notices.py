"""The desk's notice link: how many Notification Logs the viewer has not read (alerts such as a mail
whose template could not be rendered), so a System Manager sees them on any desk page."""

from __future__ import annotations

from urllib.parse import urlencode

from smooth.context import session_user
from smooth.model.database_api import document_db
from smooth.permissions import has_permission

DOCTYPE = "Notification Log"


def unread_notices() -> dict[str, object] | None:
    """`{"count": n, "url": ...}` when the viewer has unread notices, else None."""
    user = session_user()
    if not has_permission(DOCTYPE, "read", user=user):
        return None
    count = document_db().count(DOCTYPE, {"for_user": user, "read": 0})
    if not count:
        return None
    return {"count": count, "url": "/app/notification-log?" + urlencode({"for_user": user, "read": 0})}
