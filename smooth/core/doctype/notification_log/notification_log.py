"""Notification Log: one notice for one user, the in-app channel (a Notification's System Notification, alerts).

Everyone may read and mark read their own notices (a record rule), so the list is a personal inbox;
System Managers see all.
"""

from __future__ import annotations

from typing import Any

from smooth.model.document import Document
from smooth.permissions import get_roles

SEE_ALL = "System Manager"


class NotificationLog(Document):
    pass


def own_notices(user: str) -> Any:
    """permission_query_conditions: a user's own notices; System Managers see all."""
    if user == "Administrator" or SEE_ALL in get_roles(user):
        return None
    return {"for_user": user}
