"""Writing a document's rows: the parent, its child tables and its secrets.

A duplicate key from the database becomes UniqueValidationError or DuplicateEntryError naming
the field or index, so a race lost at the unique index reads like the check it raced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from smooth.context import db
from smooth.db.schema import index_name
from smooth.exceptions import DuplicateEntryError, UniqueValidationError
from smooth.messages import _
from smooth.model import naming
from smooth.model.passwords import set_password
from smooth.model.save_plan import plan_of
from smooth.model.values import PASSWORD_MASK

if TYPE_CHECKING:
    from smooth.model.document import Document

_SQLITE_COLUMNS = re.compile(r"UNIQUE constraint failed: (.+)$", re.MULTILINE)
_MARIADB_KEY = re.compile(r"for key '([^']+)'")


def row_of(doc: Document) -> dict[str, Any]:
    values = doc.__dict__
    row = {column: values.get(column) for column in doc.meta.columns}
    for fieldname in plan_of(doc).empty_is_null:
        if row[fieldname] == "":
            row[fieldname] = None
    for fieldname in doc.meta.password_fieldnames:
        if row[fieldname]:
            row[fieldname] = PASSWORD_MASK
    return row


def insert_document(doc: Document) -> None:
    database = db()
    save_passwords(doc)
    try:
        database.insert_row(database.table(doc.doctype), row_of(doc))
        if doc.meta.table_fields:
            _insert_children(doc.get_all_children())
    except IntegrityError as exc:
        raise duplicate_error(doc, exc, inserting=True) from exc


def _insert_children(children: Iterable[Document]) -> None:
    database = db()
    by_doctype: dict[str, list[dict[str, Any]]] = {}
    for child in children:
        save_passwords(child)
        by_doctype.setdefault(child.doctype, []).append(row_of(child))
        child.__dict__["_loaded"] = True
    for doctype, rows in by_doctype.items():
        database.insert_rows(database.table(doctype), rows)


def update_document(doc: Document, before: Document | None) -> None:
    database = db()
    save_passwords(doc)
    table = database.table(doc.doctype)
    row = row_of(doc)
    row.pop("name")
    for field in doc.meta.password_fields:
        if doc.__dict__.get(field.fieldname) in (None, "") and before is not None:
            row.pop(field.fieldname)
    try:
        database.execute(update(table).where(table.c.name == doc.name).values(**row), write=True)
        _update_children(doc)
    except IntegrityError as exc:
        raise duplicate_error(doc, exc) from exc


def _update_children(doc: Document) -> None:
    """Rows still present are rewritten, rows removed from a table are deleted."""
    database = db()
    for table_field in doc.meta.table_fields:
        child_table = database.table(table_field.options or "")
        rows = doc.__dict__.get(table_field.fieldname) or []
        keep = [r.name for r in rows]
        stmt = delete(child_table).where(and_(
            child_table.c.parent == doc.name, child_table.c.parenttype == doc.doctype,
            child_table.c.parentfield == table_field.fieldname))
        if keep:
            stmt = stmt.where(child_table.c.name.not_in(keep))
        database.execute(stmt, write=True)
        stored = database.execute(select(
            child_table.c.name, child_table.c.parent, child_table.c.parenttype, child_table.c.parentfield,
        ).where(child_table.c.name.in_(keep))).all() if keep else []
        ours = (doc.name, doc.doctype, table_field.fieldname)
        existing = {row[0] for row in stored if tuple(row[1:]) == ours}
        foreign = {row[0] for row in stored if tuple(row[1:]) != ours}
        new_rows = [r for r in rows if r.name not in existing]
        for row in new_rows:
            if row.name in foreign:
                row.name = naming.make_hash()  # a row of another document: insert a copy, never move it
        for row in rows:
            if row.name in existing:
                values = row_of(row)
                values.pop("name")
                database.execute(update(child_table).where(child_table.c.name == row.name).values(**values),
                                 write=True)
        _insert_children(new_rows)


def save_passwords(doc: Document) -> None:
    for field in doc.meta.password_fields:
        value = doc.__dict__.get(field.fieldname)
        if value and value != PASSWORD_MASK and not (isinstance(value, str) and set(value) == {"*"}):
            set_password(doc.doctype, doc.name, field.fieldname, value, mode=doc.get_password_mode(field.fieldname))


def is_duplicate_key(exc: IntegrityError) -> bool:
    orig = exc.orig
    code = orig.args[0] if orig is not None and orig.args else None
    return code == 1062 or "unique constraint failed" in str(orig).lower()


def duplicate_error(doc: Document, exc: IntegrityError, *, inserting: bool = False) -> Exception:
    """The typed error for a duplicate key, the same on both backends: a new document whose name is
    taken is DuplicateEntryError (409) even when SQLite reports another unique column of the row
    first (a name made from a unique field); a unique field is UniqueValidationError (417)."""
    if not is_duplicate_key(exc):
        return exc
    columns = violated_columns(doc, str(exc.orig))
    if inserting and (columns == ("name",) or db().exists(doc.doctype, doc.name)):
        return DuplicateEntryError(_("{0} {1} already exists", _(doc.doctype), doc.name))
    for field in doc.meta.unique_fields:
        if columns == (field.fieldname,):
            return unique_error(doc, field.fieldname, field.label)
    for spec in doc.meta.indexes:
        if spec["unique"] and columns == tuple(spec["fields"]):
            return DuplicateEntryError(
                _("Another {0} already has the same {1}",
                  _(doc.doctype), ", ".join(_(doc.meta.get_label(c)) for c in spec["fields"])))
    return DuplicateEntryError(_("{0} {1} already exists", _(doc.doctype), doc.name))


def unique_error(doc: Document, fieldname: str, label: str) -> UniqueValidationError:
    """A unique field's value is taken. The database's unique index is the check (no read before each write,
    as in Frappe); the record holding the value is looked up only now, for the message."""
    value = doc.get(fieldname)
    other = db().get_value(doc.doctype, {fieldname: value, "name": ["!=", doc.name or ""]}, "name", order_by="")
    if other:
        return UniqueValidationError(_("{0} {1!r} is already used by {2} {3}; it must be unique",
                                       _(label), value, _(doc.doctype), other))
    return UniqueValidationError(_("{0} {1!r} is already used by another {2}; it must be unique",
                                   _(label), value, _(doc.doctype)))


def violated_columns(doc: Document, message: str) -> tuple[str, ...]:
    """The columns of the unique key a duplicate broke, read from the driver's message: SQLite names
    them ("UNIQUE constraint failed: tabX.a, tabX.b"), MariaDB names the key ("for key 'ux_x__a'")."""
    listed = _SQLITE_COLUMNS.search(message)
    if listed:
        return tuple(part.strip().rsplit(".", 1)[-1] for part in listed.group(1).split(","))
    key = _MARIADB_KEY.search(message)
    if not key:
        return ()
    key_name = key.group(1).rsplit(".", 1)[-1]
    if key_name == "PRIMARY":
        return ("name",)
    candidates = [(f.fieldname,) for f in doc.meta.unique_fields] + \
        [tuple(spec["fields"]) for spec in doc.meta.indexes if spec["unique"]]
    for columns in candidates:
        if index_name(doc.meta.table_name, columns, True) == key_name:
            return columns
    return ()
