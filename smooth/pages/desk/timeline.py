"""The timeline under every form: Version history and comments, newest first.

Versions are read for a document the viewer may read (the Version DocPerm is for System
Managers, as in Frappe, but a form's history belongs to whoever may see the form); each
entry says who changed which field from what to what, and which child rows were added,
removed or changed. Comments come from the core Comment doctype, with edit / delete
offered on the viewer's own (any, for a System Manager).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from smooth.context import session_user
from smooth.core.doctype.comment.comment import MODERATOR_ROLE, comments_on
from smooth.meta.doctype import Meta
from smooth.model import rich_text, time_zones
from smooth.model.database_api import document_db
from smooth.permissions import field_levels, get_roles

MAX_VERSIONS = 50
MAX_SHOWN = 120
DOCSTATUS = {0: "Draft", 1: "Submitted", 2: "Cancelled"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    kind: str  # "version", "created" or "comment"
    when: dt.datetime
    who: str
    who_name: str
    changes: list[Change] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)  # "Added a row to Schedule", ...
    comment_name: str = ""
    content: Markup = Markup("")
    raw_content: str = ""
    editable: bool = False
    action: str = ""  # the workflow action this save took, if any
    shown_when: str = ""  # `when` in the viewer's zone, the zone named


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def _internal(meta: Meta, fieldname: str, levels: frozenset[int] | None) -> bool:
    """A hidden field (a uniqueness key, a calendar revision) is bookkeeping: the form does not show it, nor does
    its history; nor a field at a permlevel the viewer may not read (`levels`; None: every level)."""
    df = meta.get_field(fieldname)
    return df is not None and (bool(df.hidden) or (levels is not None and df.permlevel not in levels))


def _says_something(entry: Entry) -> bool:
    return entry.kind != "version" or bool(entry.changes or entry.rows or entry.action)


def _zoned(meta: Meta, fieldname: str, value: Any, zones: tuple[str, str]) -> Any:
    """A recorded Datetime or Time value in the zone the form shows it in, named."""
    df = meta.get_field(fieldname)
    zone = time_zones.shown_zone(df.fieldtype, df.options, zones) if df is not None else ""
    if df is None or not zone or not isinstance(value, str) or not value:
        return value
    try:
        parsed: Any = dt.datetime.fromisoformat(value) if df.fieldtype == "Datetime" else dt.time.fromisoformat(value)
    except ValueError:
        return value
    return time_zones.labelled(parsed.replace(tzinfo=None), zone, df.options)


def _version_entry(meta: Meta, site_meta: Any, row: dict[str, Any], zones: tuple[str, str],
                   levels: frozenset[int] | None) -> Entry:
    try:
        data = json.loads(row.get("data") or "{}")
    except ValueError:
        data = {}
    entry = Entry(kind="created" if data.get("created") else "version", when=row["creation"], who=row["owner"],
                  who_name=row["owner"])
    if isinstance(data.get("workflow"), dict):
        entry.action = str(data["workflow"].get("action") or "")
    for fieldname, old, new in data.get("changed") or []:
        if _internal(meta, fieldname, levels):
            continue
        if fieldname == "docstatus":
            old, new = DOCSTATUS.get(old, old), DOCSTATUS.get(new, new)
        label = "Document Status" if fieldname == "docstatus" else meta.get_label(fieldname)
        entry.changes.append(Change(label, _shown(_zoned(meta, fieldname, old, zones)),
                                    _shown(_zoned(meta, fieldname, new, zones))))
    for verb, key in (("Added", "added"), ("Removed", "removed")):
        for fieldname, _values in data.get(key) or []:
            entry.rows.append(f"{verb} a row {'to' if verb == 'Added' else 'from'} {meta.get_label(fieldname)}")
    for fieldname, idx, _name, changes in data.get("row_changed") or []:
        table = meta.get_field(fieldname)
        child = site_meta(table.options) if table is not None and table.options else None
        for child_field, old, new in changes:
            if child is not None and _internal(child, child_field, levels):
                continue
            label = child.get_label(child_field) if child else child_field
            entry.changes.append(Change(f"{meta.get_label(fieldname)} row #{idx}: {label}", _shown(old), _shown(new)))
    return entry


def timeline(meta: Meta, name: str, site_meta: Any, created: tuple[str, Any] | None = None) -> list[Entry]:
    """Versions and comments of one document the viewer may read, newest first.

    `created` (owner, creation) is the "created this" entry of a tracked doctype: as in Frappe, creating a
    record writes no Version (records from before that still have one, shown instead)."""
    entries: list[Entry] = []
    versions = document_db().get_all("Version", filters={"ref_doctype": meta.name, "docname": name},
                                      fields=["owner", "creation", "data"], order_by="creation desc",
                                      limit_page_length=MAX_VERSIONS)
    zones = time_zones.viewer_zones()
    levels = field_levels(meta, "read")
    entries += [e for e in (_version_entry(meta, site_meta, v, zones, levels) for v in versions)
                if _says_something(e)]
    if created is not None and created[1] is not None and meta.track_changes and len(versions) < MAX_VERSIONS \
            and not any(e.kind == "created" for e in entries):
        entries.append(Entry(kind="created", when=created[1], who=created[0], who_name=created[0]))
    user = session_user()
    moderator = user == "Administrator" or MODERATOR_ROLE in get_roles(user)
    for comment in comments_on(meta.name, name):
        content = comment.get("content") or ""
        entries.append(Entry(kind="comment", when=comment["creation"], who=comment["owner"],
                             who_name=comment.get("comment_by") or comment["owner"], comment_name=comment["name"],
                             content=Markup(rich_text.sanitize(content)), raw_content=content,
                             editable=moderator or comment["owner"] == user))
    people = {e.who for e in entries}
    if people:
        names = dict(document_db().get_all("User", filters={"name": ["in", sorted(people)]},
                                           fields=["name", "full_name"], as_list=True))
        for entry in entries:
            entry.who_name = names.get(entry.who) or entry.who_name
    entries.sort(key=lambda e: e.when, reverse=True)
    for entry in entries:
        if isinstance(entry.when, dt.datetime):
            minute = entry.when.replace(second=0, microsecond=0)
            entry.shown_when = time_zones.labelled(time_zones.from_system(minute), zones[0], "UTC")
    return entries
