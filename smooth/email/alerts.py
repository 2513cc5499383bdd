"""Alerts to the people who run the site: a desk notice (Notification Log) for every System Manager.

A failure nobody is told of is found only in the Error Log, days later; a notice in the desk and,
where SMTP is configured, a mail (queued by the caller, which owns the queue) reach them at once.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from smooth.context import db
from smooth.model.records import get_doc

MANAGER_ROLE = "System Manager"
_ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def system_managers() -> list[tuple[str, str]]:
    """(user, email) of every enabled System Manager, the Administrator included."""
    has_role, users = db().table("Has Role"), db().table("User")
    rows: Any = db().execute(select(users.c.name, users.c.email).distinct().join(
        has_role, has_role.c.parent == users.c.name).where(
        has_role.c.parenttype == "User", has_role.c.role.in_([MANAGER_ROLE, "Administrator"]),
        users.c.enabled == 1))
    return sorted({(str(row[0]), str(row[1] or "")) for row in rows if row[0] != "Guest"})


def notify_system_managers(subject: str, details: str, reference: tuple[str, str] | None = None) -> list[str]:
    """A Notification Log for each System Manager; returns their addresses for the caller to mail."""
    addresses = []
    for user, email in system_managers():
        get_doc({"doctype": "Notification Log", "subject": subject[:1000], "for_user": user, "type": "Alert",
                 "email_content": details, "document_type": reference[0] if reference else None,
                 "document_name": reference[1] if reference else None}).insert(ignore_permissions=True)
        if _ADDRESS.match(email):
            addresses.append(email)
    return addresses
