"""Access Log (Frappe's doctype): who opened, printed, downloaded or exported a record of a doctype
marked `track_views`, when, and from which address and browser.

The row is one INSERT committed at once on a connection of its own (`Database.write_now`): most
reads are GET requests, whose unit of work rolls back, and the record of a read must outlive it.
Callers ask `is_tracked(doctype)` first (a flag on the already loaded meta), so an untracked
doctype's read costs nothing more. The rows are read-only for everyone: no DocPerm grants write or
delete; only the retention job (smooth.core.doctype.access_log.access_log) removes old ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smooth.context import db, local, now_datetime, session_user
from smooth.exceptions import ValidationError
from smooth.messages import _
from smooth.model.naming import make_hash

ACCESS_LOG = "Access Log"
ACTIONS = ("Open", "Print", "Download", "Export")


def is_tracked(doctype: str | None) -> bool:
    """Whether reads of `doctype` are logged (its `track_views`); False for an unknown doctype."""
    if not doctype:
        return False
    site = local().site
    return doctype in site.registry and site.get_meta(doctype).track_views


def make_access_log(doctype: str | None = None, document: str | None = None, method: str | None = None,
                    file_type: str | None = None, report_name: str | None = None, filters: Any = None,
                    page: str | None = None, columns: Any = None) -> None:
    """Record that the session user did `method` (Open, Print, Download, Export) to `document` of
    `doctype` (Frappe's signature; the arguments after `method` are accepted and not stored)."""
    if method not in ACTIONS:
        raise ValidationError(_("Access Log action must be one of {0}, not {1!r}", ', '.join(ACTIONS), method))
    write_log_row(ACCESS_LOG, {"user": session_user(), "export_from": doctype or "",
                               "reference_document": str(document or "")[:140], "method": method})


def write_log_row(doctype: str, values: Mapping[str, Any], *, owner: str | None = None) -> None:
    """One log row (Access Log, Activity Log) with the request's address and User-Agent, committed now.
    `owner` (default the session user) is whose row it is for an `if_owner` permission."""
    bound = local()
    now = now_datetime()
    user = owner or session_user()
    row = {"name": make_hash(), "owner": user, "creation": now, "modified": now, "modified_by": user,
           "docstatus": 0, "idx": 0, "timestamp": now, "ip_address": bound.request_ip[:64],
           "user_agent": bound.user_agent[:255], **values}
    db().write_now(bound.site.table(doctype).insert().values(row))


def log_if_tracked(doctype: str, document: Any, method: str) -> None:
    """The read paths' call (desk form, REST get, print, file download, export): logs only tracked doctypes."""
    if is_tracked(doctype):
        make_access_log(doctype, document, method)
