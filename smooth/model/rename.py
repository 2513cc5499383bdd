"""Renaming a document: its name, its child rows and every reference to it, in one transaction.

A name is a primary key that other records copy into their Link fields, so a rename rewrites:
the record itself, its child rows' `parent`, every Link field of any doctype (child tables and
Single settings included) whose target is this doctype, every Dynamic Link whose doctype
column names it, and the framework's own references (`__Auth` secrets, Version history).
Nothing commits here: the caller's unit of work does, or rolls the whole rename back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.exc import IntegrityError

from smooth.context import db, local
from smooth.exceptions import DuplicateEntryError, ValidationError
from smooth.messages import _
from smooth.meta.doctype import Meta
from smooth.model.document import load_document
from smooth.model.naming import validate_name
from smooth.model.persistence import is_duplicate_key


def rename_doc(doctype: str, old: str, new: str, merge: bool = False, *,
               ignore_permissions: bool = False) -> str:
    """Rename `doctype` `old` to `new` and repoint every reference; returns the new name.

    Needs `allow_rename` on the doctype and write permission on the record. An existing
    `new` is a DuplicateEntryError; merging two records is not supported. Runs the
    controller's and doc_events' `before_rename(old, new, merge)` (which may return another
    name) and `after_rename(old, new, merge)`.
    """
    site = local().site
    meta = site.get_meta(doctype)
    if meta.issingle or meta.istable:
        raise ValidationError(_("{0} records cannot be renamed", _(doctype)))
    if not meta.allow_rename:
        raise ValidationError(_("{0} does not allow renaming (set allow_rename in its doctype to permit it)",
                                _(doctype)))
    if merge:
        raise ValidationError(_("Merging {0} {1} into {2} is not supported; rename to a name that is not taken, or "
                                "move the references yourself", _(doctype), old, new))
    doc = load_document(doctype, old, for_update=True)
    if not ignore_permissions:
        doc.check_permission("write")
    new = validate_name(doctype, new)
    if new == old:
        return old
    result = doc.run_method("before_rename", old, new, merge)
    if isinstance(result, str) and result.strip():
        new = validate_name(doctype, result)
    _refuse_taken(doctype, old, new)
    try:
        rewrite_references(meta, old, new)
    except IntegrityError as exc:
        if is_duplicate_key(exc):
            raise DuplicateEntryError(_("{0} {1} already exists", _(doctype), new)) from exc
        raise
    doc.name = new
    for child in doc.get_all_children():
        child.parent = new
    doc.run_method("after_rename", old, new, merge)
    return new


def _refuse_taken(doctype: str, old: str, new: str) -> None:
    taken = db().get_value(doctype, {"name": new}, "name", order_by="")
    if taken and taken != old:  # a case-only rename finds the record itself on MariaDB
        raise DuplicateEntryError(_("{0} {1} already exists; choose another name (merging is not supported)",
                                    _(doctype), taken))


def _set(table_name: str, column: str, old: str, new: str, **where: Any) -> None:
    database = db()
    table = database.table(table_name)
    condition = and_(table.c[column] == old, *(table.c[key] == value for key, value in where.items()))
    database.execute(update(table).where(condition).values({column: new}), write=True)


def rewrite_references(meta: Meta, old: str, new: str) -> None:
    """Repoint the record `old` of `meta` and every reference to it at `new` (no checks, no hooks): a rename's
    statements, which the erasure of a person runs on their User (smooth/core/personal_data/erasure.py)."""
    doctype = meta.name
    site = local().site
    _set(doctype, "name", old, new)
    for child_doctype in {f.options for f in meta.table_fields if f.options}:
        _set(child_doctype, "parent", old, new, parenttype=doctype)
    for other in site.registry:
        links = [f for f in other.link_fields if f.options == doctype]
        dynamic = [f for f in other.value_fields if f.fieldtype == "Dynamic Link" and f.options
                   and other.get_field(f.options) is not None]
        if other.issingle:
            _rewrite_single(other, links, dynamic, doctype, old, new)
            continue
        for field in links:
            _set(other.name, field.fieldname, old, new)
        for field in dynamic:
            _set(other.name, field.fieldname, old, new, **{str(field.options): doctype})
    _set("__Auth", "name", old, new, doctype=doctype)
    _set("Version", "docname", old, new, ref_doctype=doctype)


def _rewrite_single(meta: Meta, links: list[Any], dynamic: list[Any], doctype: str, old: str, new: str) -> None:
    database = db()
    stored = database.get_singles_dict(meta.name)
    for field in links:
        if stored.get(field.fieldname) == old:
            database.set_single_value(meta.name, field.fieldname, new)
    for field in dynamic:
        if stored.get(field.fieldname) == old and stored.get(field.options) == doctype:
            database.set_single_value(meta.name, field.fieldname, new)
