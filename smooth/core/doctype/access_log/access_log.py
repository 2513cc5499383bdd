"""Access Log: read-only rows written by smooth.access_log; this module is the retention job."""

from __future__ import annotations

import datetime as dt

from smooth.context import now_datetime
from smooth.exceptions import PermissionError
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.document import Document

DEFAULT_RETENTION_DAYS = 365
LOGS = ("Access Log", "Activity Log")


class ReadOnlyLog(Document):
    """A log row no one writes through a document, not even Administrator: the framework inserts rows
    directly (smooth.access_log), and only the retention job deletes them."""

    def validate(self) -> None:
        raise PermissionError(_("{0} entries are written by the system and cannot be added or changed",
                                _(self.doctype)))

    def on_trash(self) -> None:
        raise PermissionError(_("{0} entries cannot be deleted: they go after the retention period (System "
                                "Settings)", _(self.doctype)))


class AccessLog(ReadOnlyLog):
    pass


def retention_days() -> int:
    value = document_db().get_single_value("System Settings", "access_log_retention_days")
    return DEFAULT_RETENTION_DAYS if value in (None, "") else max(0, int(value))


def delete_expired_logs() -> int:
    """Daily: delete Access Log and Activity Log rows older than System Settings' retention (0 keeps all).
    The only way rows leave these logs: no DocPerm grants delete."""
    days = retention_days()
    if not days:
        return 0
    cutoff = now_datetime() - dt.timedelta(days=days)
    return sum(document_db().delete(doctype, {"timestamp": ["<", cutoff]}) for doctype in LOGS)
