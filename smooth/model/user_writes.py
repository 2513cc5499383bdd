"""What a person may write: the values a request carries, less the fields only code sets.

Frappe ignores a user's value for a field the form shows read only, so a learner cannot set the
Meet link or the calendar event id of their own booking through the API. A field is the system's
when it is `read_only`, of the Read Only type, read only by its `read_only_depends_on` (judged on
the values the document would have), or above permlevel 0 where none of the person's roles has a
DocPerm row with write at that level (Frappe's field-level permissions). Every door a person
writes through (REST insert and update, frappe.client, the desk form, bulk edit, file attachment)
hands the posted values to `apply_user_values`; controllers, jobs and patches set such fields
freely. A stored document keeps its stored value and a new one its default; a table's rows follow
the same rule, a kept row keeping its stored values. `set_only_once` and `allow_on_submit` stay
refusals (docstatus checks on save).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import smooth.expressions as expressions
from smooth.context import local, session_user
from smooth.meta import fieldtypes
from smooth.meta.doctype import DocField, Meta
from smooth.permissions import ADMINISTRATOR, field_levels

if TYPE_CHECKING:
    from smooth.model.document import Document


def user_may_write(field: DocField, values: Mapping[str, Any], user: str | None = None,
                   granting: Meta | None = None) -> bool:
    """Whether a person may set `field`, given the values the document (or row) would have.

    A field above level 0 needs a DocPerm row at its level with write, on `granting` (the document's
    doctype; for a child row, its parent's); without `granting` only Administrator reaches it."""
    if field.read_only or field.fieldtype == "Read Only":
        return False
    if field.permlevel > 0:
        levels = field_levels(granting, "write", user) if granting is not None else \
            None if (user or session_user()) == ADMINISTRATOR else frozenset({0})
        if levels is not None and field.permlevel not in levels:
            return False
    if not field.read_only_depends_on:
        return True
    try:
        return not expressions.evaluate(field.read_only_depends_on, values)
    except expressions.ExpressionError:
        return False  # a condition that cannot be judged keeps the field closed


def apply_user_values(doc: Document, values: Mapping[str, Any]) -> Document:
    """`doc.update(values)` for values a person sent: fields they may not write keep what the document has."""
    user = session_user()
    seen = {**_current(doc), **values}
    kept: dict[str, Any] = {}
    for key, value in values.items():
        field = doc.meta.get_field(key)
        if field is None:
            kept[key] = value  # name, docstatus, modified: the doors vet those themselves
        elif not user_may_write(field, seen, user, doc.meta):
            continue
        elif field.fieldtype in fieldtypes.TABLE and isinstance(value, list):
            child_meta = local().site.get_meta(field.options or "")
            stored = {row.name: row for row in doc.get(key) or []}
            kept[key] = [_user_row(child_meta, row, stored, seen, user, doc.meta) if isinstance(row, Mapping) else row
                         for row in value]
        else:
            kept[key] = value
    return doc.update(kept)


def _user_row(meta: Meta, row: Mapping[str, Any], stored: Mapping[str, Document], parent: Mapping[str, Any],
              user: str, granting: Meta) -> dict[str, Any]:
    """A posted row, the fields the person may not write taken from the stored row (a new row: left to default)."""
    before = stored.get(row["name"]) if row.get("name") else None
    seen = {**parent, **(_current(before) if before is not None else {}), **row}
    out = dict(row)
    for field in meta.value_fields:
        if not user_may_write(field, seen, user, granting):
            if before is not None:
                out[field.fieldname] = before.get(field.fieldname)
            else:
                out.pop(field.fieldname, None)
    return out


def _current(doc: Document) -> dict[str, Any]:
    values = {name: doc.__dict__.get(name) for name in doc.meta.columns}
    for table_field in doc.meta.table_fields:
        values[table_field.fieldname] = list(doc.__dict__.get(table_field.fieldname) or [])
    return expressions.values_of(values, doc.is_new())
