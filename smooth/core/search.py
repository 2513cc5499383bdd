"""Type-ahead for Link fields, and the values a Link brings along (`fetch_from`).

`search_link` is Frappe's `frappe.desk.search.search_link`: the records of a doctype the user
may read whose name, title field or `search_fields` contain the typed text, as
`[{"value", "description"}]`. `fetch_link_values` gives the `fetch_from` values of a form's
fields for a chosen Link value, read with the user's permissions (the save fills them
again on the server, so this is for showing them at once).
"""

from __future__ import annotations

import json
from typing import Any

import smooth.permissions as permissions
from smooth.context import local
from smooth.exceptions import PermissionError, ValidationError
from smooth.messages import _
from smooth.meta.doctype import Meta
from smooth.model import listing
from smooth.whitelist import whitelist

MAX_RESULTS = 50
MAX_TEXT = 140


def search_columns(meta: Meta) -> list[str]:
    """name, the title field, the doctype's `search_fields` and its `in_global_search` fields, in that order."""
    wanted = ["name", meta.title_field or "", *((meta.search_fields or "").split(",")),
              *(f.fieldname for f in meta.fields if f.in_global_search)]
    columns: list[str] = []
    for column in (c.strip() for c in wanted):
        if column and column in meta.column_set and column not in columns:
            columns.append(column)
    return columns


def _page_length(value: Any) -> int:
    try:
        return max(1, min(int(value), MAX_RESULTS))
    except (TypeError, ValueError):
        return 10


def _filters(filters: Any) -> Any:
    if isinstance(filters, str) and filters.strip():
        try:
            return json.loads(filters)
        except ValueError:
            raise ValidationError(_("filters must be JSON")) from None
    return filters or None


@whitelist(methods=("GET", "POST"))
def search_link(doctype: str, txt: str = "", reference_doctype: str | None = None, page_length: Any = 10,
                filters: Any = None, searchfield: str | None = None, query: str | None = None) -> list[dict[str, Any]]:
    """Records of `doctype` the user may read that match `txt`, best (name starts with it) first."""
    if not isinstance(doctype, str) or not doctype:
        raise ValidationError(_("A doctype is required"))
    meta = local().site.get_meta(doctype)
    if meta.istable or meta.issingle:
        raise ValidationError(_("{0} has no records to link to", _(doctype)))
    if not permissions.has_permission(doctype, "read"):
        raise PermissionError(_("Not permitted: you may not read {0}", _(doctype)))
    text = (txt if isinstance(txt, str) else "").strip()[:MAX_TEXT]
    columns = search_columns(meta)
    or_filters = [[column, "like", f"%{text}%"] for column in columns] if text else None
    rows = listing.get_list(doctype, fields=columns, filters=_filters(filters),
                            or_filters=or_filters, order_by=f"{meta.sort_field} {meta.sort_order}",
                            limit_page_length=_page_length(page_length))
    lowered = text.lower()
    rows.sort(key=lambda r: (not str(r["name"]).lower().startswith(lowered), str(r["name"]).lower()))
    return [{"value": row["name"],
             "description": ", ".join(str(row[c]) for c in columns[1:] if row.get(c) not in (None, "")),
             } for row in rows]


@whitelist(methods=("GET", "POST"))
def fetch_link_values(doctype: str, fieldname: str, value: str) -> dict[str, Any]:
    """{field: value} of `doctype`'s fields fetched from its Link `fieldname` when it holds `value`."""
    meta = local().site.get_meta(doctype)
    link = meta.get_field(fieldname) if isinstance(fieldname, str) else None
    if link is None or link.fieldtype != "Link" or not link.options:
        raise ValidationError(_("{0} has no Link field {1!r}", _(doctype), fieldname))
    wanted = {f.fieldname: f.fetch_from.split(".", 1)[1] for f in meta.value_fields
              if f.fetch_from and f.fetch_from.split(".", 1)[0] == fieldname and "." in f.fetch_from}
    if not wanted:
        return {}
    target = local().site.get_meta(link.options)
    sources = sorted({s for s in wanted.values() if s in target.column_set})
    if not value or not sources or not permissions.has_permission(target.name, "read"):
        return {name: None for name in wanted}
    rows = listing.get_list(target.name, fields=sources, filters={"name": value}, limit_page_length=1)
    row = rows[0] if rows else {}
    return {name: row.get(source) for name, source in wanted.items()}
