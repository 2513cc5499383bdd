"""Deleting a document: permissions, on_trash, the links check, child rows and stored secrets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import and_, delete

from smooth.context import db, local
from smooth.exceptions import LinkExistsError, ValidationError
from smooth.messages import _
from smooth.model.passwords import delete_passwords

if TYPE_CHECKING:
    from smooth.model.document import Document


def delete_document(stored: Document, target: Document, *, ignore_permissions: bool = False,
                    force: bool = False) -> None:
    """Delete `stored` (loaded FOR UPDATE); `target` is the object whose hooks run (often the same)."""
    database = db()
    doctype, name = stored.doctype, stored.name
    if not ignore_permissions:
        target.check_permission("delete")
    if int(stored.docstatus or 0) == 1:
        raise ValidationError(_("Cannot delete submitted {0} {1}; cancel it first", _(doctype), name))
    target.flags.in_delete = True
    target.run_method("on_trash")
    if not force:
        check_no_links(doctype, name)
    for table_field in stored.meta.table_fields:
        child_table = database.table(table_field.options or "")
        database.execute(delete(child_table).where(and_(child_table.c.parent == name,
                                                        child_table.c.parenttype == doctype)), write=True)
    table = database.table(doctype)
    database.execute(delete(table).where(table.c.name == name), write=True)
    if stored.meta.password_fields:
        delete_passwords(doctype, name)
    target.run_method("after_delete")


def check_no_links(doctype: str, name: str) -> None:
    """Refuse to delete a record other records still link to (LinkExistsError names one)."""
    site = local().site
    database = db()
    ignored = set(site.hooks.get("ignore_links_on_delete"))  # logs that name a record do not keep it alive
    for meta in site.registry:
        if meta.issingle or meta.name in ignored:
            continue
        for field in meta.link_fields:
            if field.options != doctype or (meta.name == doctype and field.fieldname == "name"):
                continue
            columns = ["name", "parenttype", "parent"] if meta.istable else ["name"]
            row = database.get_value(meta.name, {field.fieldname: name}, columns, as_dict=True, order_by="")
            if row is None or (meta.name == doctype and row["name"] == name):
                continue
            linked = f"{row['parenttype']} {row['parent']}" if meta.istable else f"{meta.name} {row['name']}"
            raise LinkExistsError(_("Cannot delete or cancel because {0} {1} is linked with {2}",
                                    _(doctype), name, linked))
