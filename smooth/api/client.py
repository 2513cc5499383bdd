"""frappe.client for Smooth: the whitelisted document API Frappe clients call by name.

Reachable as `/api/method/frappe.client.<fn>`, `/api/method/smooth.client.<fn>` and
`/api/method/smooth.api.client.<fn>`. Reads go through permission-checked queries (DocPerms
plus the apps' record rules), so lists, counts and single values always agree on what the
user may see; writes run the full document lifecycle.
"""

from __future__ import annotations

from typing import Any

import smooth.permissions as permissions
from smooth import access_log
from smooth.api.args import (
    clean_doc_values,
    parse_fields,
    parse_filters,
    parse_json,
    parse_object,
    to_bool,
)
from smooth.context import local, session_user
from smooth.exceptions import DoesNotExistError, FilterError, PermissionError, ValidationError
from smooth.messages import _
from smooth.meta import fieldtypes
from smooth.model import listing, records, rename, user_queries
from smooth.model.database_api import document_db
from smooth.model.document import Document
from smooth.model.user_reads import readable_dict
from smooth.model.user_writes import apply_user_values
from smooth.whitelist import whitelist

INSERT_MANY_LIMIT = 200
READ = ("GET", "POST")
WRITE = ("POST", "PUT")


def _meta(doctype: str) -> Any:
    if not isinstance(doctype, str) or not doctype:
        raise ValidationError(_("A doctype is required"))
    return local().site.get_meta(doctype)


def _cleaned(doctype: str, data: Any, *, keep_name: bool = True) -> dict[str, Any]:
    return clean_doc_values(_meta(doctype), data, site_meta=local().site.get_meta, keep_name=keep_name)


def _only_own_child_rows(doc: Document, values: dict[str, Any]) -> None:
    """Row names that are not this document's rows are dropped, so the rows are added as new ones."""
    for table_field in doc.meta.table_fields:
        rows = values.get(table_field.fieldname)
        if rows is None:
            continue
        own = {row.name for row in doc.get(table_field.fieldname) or []}
        for row in rows:
            if row.get("name") not in own:
                row.pop("name", None)


def apply_update(doc: Document, data: Any) -> Document:
    """Apply a client's changes to a loaded document; a `modified` value makes the save optimistic."""
    modified = data.get("modified") if isinstance(data, dict) else None
    values = _cleaned(doc.doctype, data, keep_name=False)
    _only_own_child_rows(doc, values)
    if modified:
        doc._original_modified = modified
    return apply_user_values(doc, values)


def new_document(doctype: str, data: Any) -> Document:
    """A new document from a client's values; asking for docstatus 1 needs the submit right too."""
    doc = apply_user_values(records.new_doc(doctype), _cleaned(doctype, data))
    if doc.docstatus and int(doc.docstatus) == 1:
        doc.check_permission("submit")
    return doc


def load_for_read(doctype: str, name: str | None) -> Document:
    meta = _meta(doctype)
    if not permissions.has_permission(doctype, "read"):
        raise PermissionError(_("Not permitted: {0} may not read {1}", session_user(), _(doctype)))
    doc = records.get_doc(doctype, name or (doctype if meta.issingle else None))
    doc.check_permission("read")
    return doc


@whitelist(methods=READ)
def get_list(doctype: str, fields: Any = None, filters: Any = None, group_by: str | None = None,
             order_by: str | None = None, limit_start: Any = None, limit_page_length: Any = 20,
             parent: str | None = None, debug: Any = False, as_dict: Any = True, or_filters: Any = None,
             limit: Any = None) -> list[Any]:
    """Records the user may read, with Frappe's query arguments."""
    _meta(doctype)
    return user_queries.rows(
        doctype, fields=parse_fields(fields), filters=parse_filters(filters),
        or_filters=parse_filters(or_filters, "or_filters"), order_by=order_by or None, group_by=group_by or None,
        limit_start=limit_start or 0, limit_page_length=limit if limit not in (None, "") else limit_page_length,
        as_list=not to_bool(as_dict))


@whitelist(methods=READ)
def get_count(doctype: str, filters: Any = None, debug: Any = False, cache: Any = False,
              or_filters: Any = None) -> int:
    """How many records the user may read match `filters` (the same rules as get_list)."""
    _meta(doctype)
    return user_queries.count(doctype, parse_filters(filters), parse_filters(or_filters, "or_filters"))


@whitelist(methods=READ)
def get(doctype: str, name: str | None = None, filters: Any = None, parent: str | None = None) -> dict[str, Any]:
    """One document with its child tables (read permission); by name, by filters, or a Single."""
    if filters and not name:
        parsed = parse_filters(filters, allow_name=True)
        user_queries.check_filter_caps(doctype, parsed)
        names = listing.get_list(doctype, filters=parsed, pluck="name", limit_page_length=1)
        if not names:
            raise DoesNotExistError(_("No {0} matches the given filters", _(doctype)))
        name = names[0]
    doc = load_for_read(doctype, name)
    if doc.meta.track_views:
        access_log.make_access_log(doctype, doc.name, "Open")
    return readable_dict(doc)


@whitelist(methods=READ)
def get_value(doctype: str, fieldname: Any = "name", filters: Any = None, as_dict: Any = True, debug: Any = False,
              parent: str | None = None) -> Any:
    """Field value(s) of the first record the user may read that matches `filters`; {} / None when none."""
    meta = _meta(doctype)
    parsed = parse_fields(fieldname, "fieldname") or ["name"]
    fields = [parsed] if isinstance(parsed, str) and "(" in parsed else \
        [f.strip() for f in parsed.split(",")] if isinstance(parsed, str) else parsed
    want_dict = to_bool(as_dict)
    if meta.issingle:
        if not permissions.has_permission(doctype, "read"):
            raise PermissionError(_("Not permitted: {0} may not read {1}", session_user(), _(doctype)))
        unknown = [f for f in fields if not (meta.get_field(f) and meta.get_field(f).has_value)]
        if unknown:
            raise FilterError(_("Field {0!r} does not exist on {1}", unknown[0], _(doctype)))
        values = document_db().get_value(doctype, None, fields, as_dict=True)
        if want_dict:
            return values
        return values[fields[0]] if len(fields) == 1 else list(values.values())
    parsed = parse_filters(filters, allow_name=True)
    user_queries.check_filter_caps(doctype, parsed)
    rows = listing.get_list(doctype, fields=fields, filters=parsed, limit_page_length=1, as_list=not want_dict)
    if want_dict:
        return rows[0] if rows else {}
    if not rows:
        return None
    return list(rows[0]) if len(fields) > 1 or fields == ["*"] else rows[0][0]


@whitelist(methods=READ)
def get_single_value(doctype: str, field: str) -> Any:
    if not _meta(doctype).issingle:
        raise ValidationError(_("{0} is not a Single doctype", _(doctype)))
    return get_value(doctype, field, as_dict=False)


@whitelist(methods=WRITE)
def set_value(doctype: str, name: str, fieldname: Any, value: Any = None) -> dict[str, Any]:
    """Set one field (or a JSON object of fields) through a full save; returns the saved document."""
    if isinstance(fieldname, str):
        values = parse_json(fieldname, "fieldname") if fieldname.strip().startswith("{") else {fieldname: value}
    else:
        values = fieldname
    if not isinstance(values, dict) or not values:
        raise ValidationError(_("fieldname must be a field name or a JSON object of field values"))
    for key in values:
        if key in fieldtypes.STANDARD_FIELDS or key in fieldtypes.CHILD_FIELDS:
            raise ValidationError(_("Cannot edit standard fields ({0})", key))
        if not _meta(doctype).has_field(key):
            raise ValidationError(_("Field {0!r} does not exist on {1}", key, _(doctype)))
    meta = _meta(doctype)
    if meta.istable:
        row = document_db().get_value(doctype, name, ["parent", "parenttype"], as_dict=True)
        if not row or not row["parent"]:
            raise DoesNotExistError(_("{0} {1} not found", _(doctype), name))
        parent_doc = records.get_doc(row["parenttype"], row["parent"], for_update=True)
        child = next((c for c in parent_doc.get_all_children() if c.name == name), None)
        if child is None:
            raise DoesNotExistError(_("{0} {1} not found", _(doctype), name))
        apply_user_values(child, _cleaned(doctype, values, keep_name=False))
        return parent_doc.save().as_dict()
    doc = records.get_doc(doctype, name, for_update=True)
    apply_update(doc, values)
    return doc.save().as_dict()


@whitelist(methods=WRITE)
def insert(doc: Any) -> dict[str, Any]:
    """Insert a document (a child row with parent/parenttype/parentfield is appended to its parent)."""
    data = parse_object(doc, "doc")
    if not isinstance(data, dict) or not data.get("doctype"):
        raise ValidationError(_("doc must be a JSON object with a doctype"))
    meta = _meta(data["doctype"])
    if meta.istable and data.get("parent") and data.get("parenttype"):
        parent_doc = records.get_doc(data["parenttype"], data["parent"], for_update=True)
        parentfield = data.get("parentfield") or next(
            (f.fieldname for f in parent_doc.meta.get_table_field_for(meta.name)), None)
        if not parentfield:
            raise ValidationError(_("{0} has no table of {1}", _(data['parenttype']), _(meta.name)))
        apply_user_values(parent_doc.append(parentfield), _cleaned(meta.name, data, keep_name=False))
        return parent_doc.save().as_dict()
    return new_document(meta.name, data).insert().as_dict()


@whitelist(methods=WRITE)
def insert_many(docs: Any) -> list[str]:
    """Insert up to 200 documents in one transaction; returns their names."""
    items = parse_object(docs, "docs")
    if not isinstance(items, list):
        raise ValidationError(_("docs must be a JSON list of documents"))
    if len(items) > INSERT_MANY_LIMIT:
        raise ValidationError(_("Only {0} inserts are allowed in one request", INSERT_MANY_LIMIT))
    names = []
    for item in items:
        if not isinstance(item, dict) or not item.get("doctype"):
            raise ValidationError(_("every document in docs needs a doctype"))
        names.append(new_document(item["doctype"], item).insert().name)
    return names


@whitelist(methods=WRITE)
def save(doc: Any) -> dict[str, Any]:
    """Save changes to an existing document (insert when it has no name yet)."""
    data = parse_object(doc, "doc")
    if not isinstance(data, dict) or not data.get("doctype"):
        raise ValidationError(_("doc must be a JSON object with a doctype"))
    if not data.get("name"):
        return new_document(data["doctype"], data).insert().as_dict()
    loaded = records.get_doc(data["doctype"], data["name"], for_update=True)
    return apply_update(loaded, data).save().as_dict()


@whitelist(methods=("POST", "DELETE"))
def delete(doctype: str, name: str) -> None:
    _meta(doctype)
    records.delete_doc(doctype, name, ignore_missing=False)


@whitelist(methods=WRITE)
def submit(doc: Any = None, doclist: Any = None) -> dict[str, Any]:
    """Submit a document (saving the given values first); a new one is inserted as submitted.
    `doclist` is the name older Frappe clients (the PyPI `frappe-client`) send the document under."""
    data = parse_object(doc if doc is not None else doclist, "doc")
    if not isinstance(data, dict) or not data.get("doctype"):
        raise ValidationError(_("doc must be a JSON object with a doctype"))
    if not data.get("name") or not document_db().exists(data["doctype"], data["name"]):
        return new_document(data["doctype"], {**data, "docstatus": 1}).insert().as_dict()
    loaded = records.get_doc(data["doctype"], data["name"], for_update=True)
    apply_update(loaded, {k: v for k, v in data.items() if k != "docstatus"})
    return loaded.submit().as_dict()


@whitelist(methods=WRITE)
def cancel(doctype: str, name: str) -> dict[str, Any]:
    _meta(doctype)
    return records.get_doc(doctype, name, for_update=True).cancel().as_dict()


@whitelist(methods=WRITE)
def rename_doc(doctype: str, old_name: str, new_name: str, merge: Any = False) -> str:
    """Rename a record (the doctype must allow it; write permission); every link to it follows. Returns the new name."""
    _meta(doctype)
    return rename.rename_doc(doctype, old_name, new_name, merge=to_bool(merge, default=False))
