"""Alerts to the people who run the site: a desk notice (Notification Log) for every System Manager.

A failure nobody is told of is found only in the Error Log, days later; a notice in the desk and,
where SMTP is configured, a mail (queued by the caller, which owns the queue) reach them at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from smooth.context import db
from smooth.i18n import language
from smooth.model.records import get_doc

MANAGER_ROLE = "System Manager"
Text = str | Callable[[], str]
_ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def system_managers() -> list[tuple[str, str]]:
    """(user, email) of every enabled System Manager, the Administrator included."""
    has_role, users = db().table("Has Role"), db().table("User")
    rows: Any = db().execute(select(users.c.name, users.c.email).distinct().join(
        has_role, has_role.c.parent == users.c.name).where(
        has_role.c.parenttype == "User", has_role.c.role.in_([MANAGER_ROLE, "Administrator"]),
        users.c.enabled == 1))
    return sorted({(str(row[0]), str(row[1] or "")) for row in rows if row[0] != "Guest"})


def notify_system_managers(subject: Text, details: Text, reference: tuple[str, str] | None = None,
                           mail: Callable[[list[str], str, str], Any] | None = None) -> list[str]:
    """A Notification Log for each System Manager; returns their addresses.

    `subject` and `details` given as functions are written in each manager's language (they call `_()`); `mail`
    (the caller owns the queue) is then called once per language with those addresses, subject and details.
    """
    managers = system_managers()
    languages = language.user_languages(user for user, _email in managers)
    addresses: list[str] = []
    groups: dict[str, list[str]] = {}
    for user, email in managers:
        with language.override(languages.get(user)):
            text, more = _text(subject), _text(details)
        get_doc({"doctype": "Notification Log", "subject": text[:1000], "for_user": user, "type": "Alert",
                 "email_content": more, "document_type": reference[0] if reference else None,
                 "document_name": reference[1] if reference else None}).insert(ignore_permissions=True)
        if _ADDRESS.match(email):
            addresses.append(email)
            groups.setdefault(languages.get(user, ""), []).append(email)
    if mail is not None:
        for lang, group in sorted(groups.items()):
            with language.override(lang):
                mail(group, _text(subject), _text(details))
    return addresses


def _text(value: Text) -> str:
    return value() if callable(value) else value
