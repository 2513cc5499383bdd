"""Activity Log: the login history, written by smooth.auth.login_history; read-only like the Access Log."""

from __future__ import annotations

from smooth.core.doctype.access_log.access_log import ReadOnlyLog


class ActivityLog(ReadOnlyLog):
    pass
