"""Getting a document's values ready to write: defaults, owner and timestamps, child links, types.

Each step covers the document and its child rows, and can run again on a save without
changing what an earlier run settled (an owner or creation time is never overwritten).
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import TYPE_CHECKING

from smooth.context import now_datetime, session_user
from smooth.model import naming, rich_text
from smooth.model.save_plan import plan_of
from smooth.model.values import coerce_value, default_value

if TYPE_CHECKING:
    from smooth.model.document import Document


def set_defaults(doc: Document) -> None:
    values = doc.__dict__
    for field in plan_of(doc).defaulted:
        if values.get(field.fieldname) is not None:
            continue
        default = default_value(field)
        if default is not None:
            values[field.fieldname] = default
    if doc.meta.table_fields:
        for child in doc.get_all_children():
            set_defaults(child)


def stamp(doc: Document) -> None:
    """modified/modified_by now; owner and creation on a new record; children follow the parent."""
    now = now_datetime()
    user = session_user()
    doc.modified = now
    doc.modified_by = user
    if doc.is_new():
        doc.creation = doc.creation or now
        doc.owner = doc.owner or user
    for child in doc.get_all_children():
        child.modified, child.modified_by = now, user
        if child.creation is None:
            child.creation, child.owner = now, doc.owner or user
        child.docstatus = doc.docstatus


def link_children(doc: Document) -> None:
    """Child rows point at their parent and table, in order, each with a name."""
    for table_field in doc.meta.table_fields:
        for position, child in enumerate(doc.__dict__.get(table_field.fieldname) or [], start=1):
            child.parent, child.parenttype, child.parentfield = doc.name, doc.doctype, table_field.fieldname
            child.idx = position
            child.parent_doc = doc
            if not child.name:
                child.name = naming.make_hash()


_SETTLED = "_coerced"  # the immutable values the last pass left, by field: the next pass skips those still there
_IMMUTABLE = (str, int, float, decimal.Decimal, dt.date, dt.time)


def coerce_all(doc: Document) -> None:
    """Every value as its field type's Python value. A save runs this before and after the controller's
    `validate`; the second pass coerces only what changed in between (coercion is idempotent)."""
    values = doc.__dict__
    meta = doc.meta
    settled = values.get(_SETTLED) or {}
    done: dict[str, object] = {}
    for field, is_settled, sanitize in plan_of(doc).coercions:
        fieldname = field.fieldname
        value = values.get(fieldname)
        if value is None:
            continue
        if settled.get(fieldname) is value or (is_settled is not None and is_settled(value)):
            done[fieldname] = value
            continue
        value = coerce_value(meta, field, value)
        if sanitize and value:
            value = rich_text.sanitize(value)
        values[fieldname] = value
        if isinstance(value, _IMMUTABLE):
            done[fieldname] = value
    values[_SETTLED] = done
    if not isinstance(doc.docstatus, int):
        doc.docstatus = int(doc.docstatus or 0)
    if meta.table_fields:
        for child in doc.get_all_children():
            coerce_all(child)
