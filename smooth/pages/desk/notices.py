"""The nav's notice link, on desk and portal pages alike: how many Notification Logs the viewer has not read
(a Notification sent in-app, a mail whose template could not be rendered), so nobody has to go looking."""

from __future__ import annotations

from urllib.parse import urlencode

from smooth.context import session_user
from smooth.model.database_api import document_db
from smooth.permissions import has_permission

DOCTYPE = "Notification Log"
PORTAL_LIST = "/notifications"


def unread_notices(desk_user: bool = True) -> dict[str, object] | None:
    """`{"count": n, "url": ...}` when the viewer has unread notices, else None. A desk user's link opens the
    desk list of their unread notices; a portal user's, the portal's notification list."""
    user = session_user()
    if not has_permission(DOCTYPE, "read", user=user):
        return None
    count = document_db().count(DOCTYPE, {"for_user": user, "read": 0})
    if not count:
        return None
    url = "/app/notification-log?" + urlencode({"for_user": user, "read": 0}) if desk_user else PORTAL_LIST
    return {"count": count, "url": url}
