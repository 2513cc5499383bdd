"""A document's stored rows as plain dicts: the parent row, its child rows, a Single's values.

Kept apart from the Document class so that reading (for a reload, a save's optimistic check
or a delete) needs no knowledge of controllers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select

from smooth.context import db
from smooth.db.database import Database
from smooth.meta.doctype import Meta


def read_row(doctype: str, name: str, *, for_update: bool = False) -> dict[str, Any] | None:
    database = db()
    table = database.table(doctype)
    stmt = select(table).where(table.c.name == name)
    if for_update:
        stmt = stmt.with_for_update()
    row = database.execute(stmt, write=for_update).mappings().first()
    return dict(row) if row is not None else None


def read_children(meta: Meta, name: str) -> dict[str, list[dict[str, Any]]]:
    """Child rows of record `name`, per table field, in `idx` order."""
    database = db()
    children: dict[str, list[dict[str, Any]]] = {}
    for table_field in meta.table_fields:
        child_table = database.table(table_field.options or "")
        rows = database.execute(select(child_table).where(and_(
            child_table.c.parent == name, child_table.c.parenttype == meta.name,
            child_table.c.parentfield == table_field.fieldname)).order_by(child_table.c.idx)).mappings().all()
        children[table_field.fieldname] = [dict(r) for r in rows]
    return children


def read_single(doctype: str) -> dict[str, str]:
    """A Single's stored values as text, as kept in `tabSingles` (the db layer's read, before coercion)."""
    return Database.get_singles_dict(db(), doctype)
