"""`/app/customize-form`: a System Manager changes a doctype on this site without editing its JSON (Frappe's
Customize Form).

Choose a doctype, see its fields, change a field's label, mandatory, hidden, default or options, or
add a field. Nothing here writes metadata itself: a change to a field the app ships becomes a
Property Setter (removed again when the value is put back to the shipped one), a change to a custom
field edits its Custom Field, and an added field is a new Custom Field. Those records are what
migrate, fixtures and other processes already understand.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.context import db, local
from smooth.exceptions import PermissionError, SmoothError
from smooth.messages import _
from smooth.meta import fieldtypes
from smooth.meta.doctype import DocField, Meta
from smooth.meta.registry import read_doctype_file
from smooth.model.records import delete_doc, get_doc
from smooth.pages.desk.access import require_desk_user
from smooth.pages.rendering import Redirect, render_page
from smooth.permissions import get_roles

URL = "/app/customize-form"
MANAGER = "System Manager"
TEXT_PROPERTIES = ("label", "default", "options")
CHECK_PROPERTIES = ("reqd", "hidden")
NEW_FIELD_TYPES = ("Data", "Check", "Int", "Float", "Currency", "Date", "Datetime", "Select", "Link", "Small Text",
                   "Text", "Text Editor", "Section Break", "Column Break")


def may_customize(user: str) -> bool:
    return user == "Administrator" or MANAGER in get_roles(user)


def customize_url(doctype: str) -> str:
    """The page for `doctype` (the list's "Customize" link)."""
    return f"{URL}?doctype={quote(doctype)}"


def _require_manager(api: ApiRequest) -> None:
    require_desk_user(api)
    if not may_customize(api.user):
        raise PermissionError(_("Not permitted: Customize Form is for the {0} role", MANAGER))


def _shipped(meta: Meta) -> dict[str, dict[str, Any]]:
    """The doctype's fields as its app ships them (the JSON file, before this site's customizations)."""
    if meta.path is None:
        return {}
    return {f["fieldname"]: f for f in read_doctype_file(meta.path).get("fields") or [] if f.get("fieldname")}


def _value(field: DocField, prop: str) -> Any:
    if prop in CHECK_PROPERTIES:
        return 1 if getattr(field, prop) else 0
    value = field.raw.get(prop)
    return "" if value is None else str(value)


def _row(field: DocField) -> dict[str, Any]:
    values = {p: _value(field, p) for p in (*TEXT_PROPERTIES, *CHECK_PROPERTIES)}
    return {"fieldname": field.fieldname, "fieldtype": field.fieldtype,
            "custom": bool(field.raw.get("is_custom_field")), "layout": field.fieldtype in fieldtypes.LAYOUT, **values}


def _posted(api: ApiRequest, field: DocField, prop: str) -> Any:
    raw = api.form.get(f"{prop}:{field.fieldname}")
    if prop in CHECK_PROPERTIES:
        return 1 if raw else 0
    return str(raw or "").replace("\r\n", "\n").strip() if prop != "default" else str(raw or "")


def _save_field(meta: Meta, field: DocField, prop: str, value: Any, shipped: dict[str, Any]) -> None:
    """One changed property: on the Custom Field itself, else as a Property Setter (gone when back to shipped)."""
    if field.raw.get("is_custom_field"):
        custom = get_doc("Custom Field", f"{meta.name}-{field.fieldname}")
        custom.set(prop, value)
        custom.save()
        return
    name = f"{meta.name}-{field.fieldname}-{prop}"
    base = shipped.get(prop)
    back_to_shipped = (int(bool(base)) == value) if prop in CHECK_PROPERTIES else (str(base or "") == value)
    exists = db().exists("Property Setter", name)
    if back_to_shipped:
        if exists:
            delete_doc("Property Setter", name)
        return
    setter = get_doc("Property Setter", name) if exists else get_doc({
        "doctype": "Property Setter", "doctype_or_field": "DocField", "doc_type": meta.name,
        "field_name": field.fieldname, "property": prop,
        "property_type": "Check" if prop in CHECK_PROPERTIES else ("Text" if prop == "options" else "Data")})
    setter.value = str(value)
    setter.save() if exists else setter.insert()


def _save(api: ApiRequest, meta: Meta) -> int:
    shipped = _shipped(meta)
    changes = 0
    for field in meta.fields:
        if not field.fieldname:
            continue
        for prop in (*TEXT_PROPERTIES, *CHECK_PROPERTIES):
            if prop == "options" and field.fieldtype not in ("Select", "Link") or \
                    prop != "label" and field.fieldtype in fieldtypes.LAYOUT:
                continue
            value = _posted(api, field, prop)
            current = _value(field, prop)
            if (value.strip() != current.strip()) if prop == "options" else (value != current):
                _save_field(meta, field, prop, value, shipped.get(field.fieldname, {}))
                changes += 1
    return changes


def _add(api: ApiRequest, meta: Meta) -> None:
    form = api.form
    get_doc({"doctype": "Custom Field", "dt": meta.name, "label": str(form.get("new_label") or "").strip(),
             "fieldname": str(form.get("new_fieldname") or "").strip(),
             "fieldtype": str(form.get("new_fieldtype") or "Data"),
             "options": str(form.get("new_options") or "").replace("\r\n", "\n").strip(),
             "insert_after": str(form.get("new_insert_after") or ""), "reqd": 1 if form.get("new_reqd") else 0,
             "default": str(form.get("new_default") or "")}).insert()


def show_customize_form(api: ApiRequest) -> Response:
    _require_manager(api)
    registry = local().site.registry
    chosen = str(api.form.get("doctype") or "")
    meta = registry.get(chosen) if chosen else None
    error = ""
    if api.method == "POST" and meta is not None:
        action = api.form.get("action")
        try:
            if action == "add":
                _add(api, meta)
                raise Redirect(f"{customize_url(meta.name)}&saved=added")
            changes = _save(api, meta)
            raise Redirect(f"{customize_url(meta.name)}&saved={changes}")
        except SmoothError as exc:
            db().rollback()
            error = exc.message or type(exc).__name__
    saved = str(api.form.get("saved") or "")
    notice = "Field added" if saved == "added" else (f"Saved {saved} change{'s' * (saved != '1')}"
                                                     if saved.isdigit() else "")
    return render_page(api, "desk/customize_form.html", {
        "url": URL, "doctypes": sorted(m.name for m in registry), "doctype": chosen, "meta": meta,
        "rows": [_row(f) for f in meta.fields if f.fieldname] if meta is not None else [],
        "new_types": NEW_FIELD_TYPES, "notice": notice, "error": error, "posted": api.form if error else {},
    }, status=417 if error else 200)
