"""Login history (Frappe's Activity Log): each password login, second factor and failure of a known user.

A row belongs to the user it is about (its owner), so the `if_owner` DocPerm lets users read their
own history; System Managers read everyone's. A failure is written after its request's unit rolls
back (an `after_rollback` callback), so the refusal does not take its record with it.
"""

from __future__ import annotations

from smooth.access_log import write_log_row
from smooth.context import db

ACTIVITY_LOG = "Activity Log"


def record(user: str, status: str, method: str, operation: str = "Login") -> None:
    """A Success or Pending (password right, second factor to come) step, written at once."""
    write_log_row(ACTIVITY_LOG, {"user": user, "operation": operation, "status": status, "method": method},
                  owner=user)


def record_failure(user: str, method: str) -> None:
    """A Failed attempt, kept though the request's unit rolls back (written once it has)."""
    db().after_rollback.add(record, user, "Failed", method)
