"""A form's Connections panel: how many records of other doctypes point at this one, Frappe's way.

A doctype declares its connections as Frappe does, in either (or both) of two places:

- a `links` list in its JSON: `{"link_doctype": "Employee Document", "link_fieldname": "employee",
  "group": "Documents"}`;
- a `<snake_name>_dashboard.py` beside its JSON whose `get_data()` returns
  `{"fieldname": "employee", "non_standard_fieldnames": {"LMS Certificate": "member"},
  "transactions": [{"label": "Training", "items": ["LMS Certificate"]}]}`.

Smooth adds one key to the dashboard data, `value_fields`: `{"LMS Certificate": "user_id"}` when the
linked doctype stores one of this document's fields rather than its name (a certificate names the
employee's user, not the employee). Counts are read with the viewer's permissions; a doctype the
viewer may not read, or that no installed app defines, is left out.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from smooth.context import local
from smooth.exceptions import MetaError
from smooth.messages import _
from smooth.meta.doctype import Meta, scrub
from smooth.model import user_queries
from smooth.model.document import Document
from smooth.pages.desk.access import slug
from smooth.permissions import has_permission


@dataclass(frozen=True)
class Connection:
    doctype: str
    count: int
    list_url: str  # the linked doctype's list filtered to this document
    new_url: str  # a new linked record with the link filled in ("" when the viewer may not create one)


@dataclass(frozen=True)
class ConnectionGroup:
    label: str
    items: tuple[Connection, ...]


@dataclass(frozen=True)
class _Link:
    group: str
    doctype: str
    fieldname: str
    value_field: str  # "name", or this document's field the link holds


@functools.cache
def _dashboard_module(package: str, doctype: str) -> Any:
    name = f"{package}.doctype.{scrub(doctype)}.{scrub(doctype)}_dashboard"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None
        raise MetaError(_("The dashboard of {0} ({1}) failed to import: {2}", _(doctype), name, exc)) from exc


def declared_links(meta: Meta) -> list[_Link]:
    """The doctype's connections, from its JSON `links` and its `_dashboard.py`, in declared order."""
    links = [_Link(str(row.get("group") or "Connections"), str(row["link_doctype"]), str(row["link_fieldname"]),
                   "name")
             for row in meta.raw.get("links") or [] if row.get("link_doctype") and row.get("link_fieldname")
             and not row.get("hidden") and not row.get("is_child_table")]
    module = _dashboard_module(meta.module_package, meta.name) if meta.module_package else None
    data = module.get_data() if module is not None and hasattr(module, "get_data") else {}
    fieldname = str(data.get("fieldname") or "")
    special = data.get("non_standard_fieldnames") or {}
    values = data.get("value_fields") or {}
    for group in data.get("transactions") or []:
        for doctype in group.get("items") or []:
            field = str(special.get(doctype) or fieldname)
            if field:
                links.append(_Link(str(group.get("label") or "Connections"), str(doctype), field,
                                   str(values.get(doctype) or "name")))
    return links


def connections(meta: Meta, doc: Document) -> list[ConnectionGroup]:
    """The groups of connections of `doc` the viewer may see, each with its count."""
    if doc.is_new():
        return []
    registry = local().site.registry
    groups: dict[str, list[Connection]] = {}
    for link in declared_links(meta):
        if link.doctype not in registry or not has_permission(link.doctype, "read"):
            continue
        target = registry.get(link.doctype)
        if link.fieldname not in target.column_set:
            raise MetaError(_("The connection of {0} to {1} names no field {2!r}",
                              _(meta.name), _(link.doctype), link.fieldname))
        value = doc.get(link.value_field)
        if value in (None, ""):
            groups.setdefault(link.group, []).append(Connection(link.doctype, 0, "", ""))
            continue
        query = urlencode({link.fieldname: value})
        count = user_queries.count(link.doctype, {link.fieldname: value})
        new_url = f"/app/{slug(link.doctype)}/new?{query}" if has_permission(link.doctype, "create") else ""
        groups.setdefault(link.group, []).append(Connection(link.doctype, count, f"/app/{slug(link.doctype)}?{query}",
                                                            new_url))
    return [ConnectionGroup(label, tuple(items)) for label, items in groups.items()]
