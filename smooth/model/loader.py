"""Reading documents back: a row and its child rows become a controller instance."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select

from smooth.exceptions import DoesNotExistError
from smooth.meta.doctype import Meta
from smooth.model.coerce import to_datetime
from smooth.model.document import DocFlags, Document, coerce_from_single, default_value
from smooth.session import db, local


def load_document(doctype: str, name: str, *, for_update: bool = False) -> Document:
    from smooth.model.controller import get_controller

    site = local().site
    meta = site.get_meta(doctype)
    if meta.issingle:
        return load_single(doctype)
    database = db()
    table = database.table(doctype)
    stmt = select(table).where(table.c.name == name)
    if for_update:
        stmt = stmt.with_for_update()
    row = database.execute(stmt, write=for_update).mappings().first()
    if row is None:
        raise DoesNotExistError(f"{doctype} {name} not found")
    cls = get_controller(site, doctype)
    doc = cls.__new__(cls)
    _init_loaded(doc, meta, dict(row))
    for table_field in meta.table_fields:
        child_table = database.table(table_field.options or "")
        child_meta = site.get_meta(table_field.options or "")
        child_cls = get_controller(site, child_meta.name)
        rows = database.execute(
            select(child_table).where(and_(
                child_table.c.parent == name, child_table.c.parenttype == doctype,
                child_table.c.parentfield == table_field.fieldname)).order_by(child_table.c.idx)).mappings().all()
        children = []
        for child_row in rows:
            child = child_cls.__new__(child_cls)
            _init_loaded(child, child_meta, dict(child_row))
            child.parent_doc = doc
            children.append(child)
        doc.__dict__[table_field.fieldname] = children
    return doc


def _init_loaded(doc: Document, meta: Meta, row: dict[str, Any]) -> None:
    doc.__dict__.update(row)
    doc.doctype = meta.name
    doc.meta = meta
    doc.flags = DocFlags()
    doc.parent_doc = None
    doc._doc_before_save = None
    doc._original_modified = row.get("modified")
    doc.__dict__["_loaded"] = True
    for table_field in meta.table_fields:
        doc.__dict__.setdefault(table_field.fieldname, [])


def load_single(doctype: str) -> Document:
    from smooth.model.controller import get_controller

    site = local().site
    meta = site.get_meta(doctype)
    stored = db().get_singles_dict(doctype)
    cls = get_controller(site, doctype)
    doc = cls({"doctype": doctype})
    doc.name = doctype
    for field in meta.value_fields:
        if field.fieldname in stored:
            doc.__dict__[field.fieldname] = coerce_from_single(meta, field.fieldname, stored[field.fieldname])
        else:
            doc.__dict__[field.fieldname] = default_value(field)
    doc.modified = to_datetime(stored.get("modified"))
    doc.__dict__["_loaded"] = True
    return doc


