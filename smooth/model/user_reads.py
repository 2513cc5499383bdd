"""What a person may read of a document: the fields at permlevels their roles reach.

A field above permlevel 0 is read only by roles with a DocPerm row at its level (Frappe's
field-level permissions; child table fields follow the parent's rows). Every door a person reads
through hands its output here: a document read over REST or frappe.client loses the fields the
reader may not see, and a list's `fields` drops them (`*` becomes the permitted fields), as
Frappe's list query does, so a value hidden on the form cannot be fetched another way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from smooth.context import local
from smooth.meta.doctype import Meta
from smooth.permissions import field_levels

IDENTIFIER = re.compile(r"(\.)?`?([A-Za-z_][A-Za-z0-9_]*)`?")


@lru_cache(maxsize=512)
def hidden_fieldnames(meta: Meta, levels: frozenset[int] | None) -> frozenset[str]:
    """The value fields of `meta` at levels outside `levels` (None: every level is open)."""
    if levels is None:
        return frozenset()
    return frozenset(f.fieldname for f in meta.value_fields if f.permlevel not in levels)


def _has_raised_fields(meta: Meta) -> bool:
    """Whether any field of `meta` or its tables sits above level 0 (most doctypes: no, and reads stay as they are)."""
    site = local().site
    return _any_raised((meta, *(site.get_meta(t.options or "") for t in meta.table_fields)))


@lru_cache(maxsize=512)
def _any_raised(metas: tuple[Meta, ...]) -> bool:
    return any(f.permlevel for meta in metas for f in meta.value_fields)


def readable_dict(doc: Any, user: str | None = None, *, no_nulls: bool = False) -> dict[str, Any]:
    """`doc.as_dict()` without the fields (and child-row fields) the reader's roles do not reach."""
    values: dict[str, Any] = doc.as_dict(no_nulls=no_nulls)
    if not _has_raised_fields(doc.meta):
        return values
    levels = field_levels(doc.meta, "read", user)
    if levels is None:
        return values
    for fieldname in hidden_fieldnames(doc.meta, levels):
        values.pop(fieldname, None)
    site = local().site
    for table_field in doc.meta.table_fields:
        if table_field.fieldname not in values:
            continue
        hidden = hidden_fieldnames(site.get_meta(table_field.options or ""), levels)
        for row in values[table_field.fieldname] if hidden else ():
            for fieldname in hidden:
                row.pop(fieldname, None)
    return values


def readable_fields(meta: Meta, fields: Sequence[str] | str | None,
                    user: str | None = None) -> Sequence[str] | str | None:
    """A list query's `fields` without those naming a field the user may not read; `*` becomes the permitted
    columns. Unchanged (the common case) when the doctype and its tables have no field the user cannot read."""
    if fields is None or not _has_raised_fields(meta):
        return fields
    levels = field_levels(meta, "read", user)
    hidden = hidden_fieldnames(meta, levels)
    site = local().site
    child_hidden = frozenset().union(*(hidden_fieldnames(site.get_meta(t.options or ""), levels)
                                       for t in meta.table_fields)) if levels is not None else frozenset()
    if not hidden and not child_hidden:
        return fields
    items = [f.strip() for f in fields.split(",")] if isinstance(fields, str) and "(" not in fields else \
        [fields] if isinstance(fields, str) else list(fields)
    kept: list[str] = []
    for item in items:
        if item.strip() == "*":
            kept.extend(c for c in meta.columns if c not in hidden)
        elif not _names_hidden(item, hidden, child_hidden):
            kept.append(item)
    return kept or ["name"]


def _names_hidden(field: str, hidden: frozenset[str], child_hidden: frozenset[str]) -> bool:
    for match in IDENTIFIER.finditer(field):
        after_dot, name = match.group(1), match.group(2)
        if name in (child_hidden | hidden if after_dot else hidden):
            return True
    return False

