"""A site's Custom Fields and Property Setters laid over the doctypes its apps ship (Frappe's customizations).

The doctype JSON stays as the app wrote it; the site's own rows (read from the database by the
site when it loads its metadata) are applied here, once, on the loaded registry: a Custom Field
becomes a field placed after its `insert_after` field (at the end when that field is unknown), a
Property Setter overrides one property of the doctype or of one field. A row that cannot apply (an
unknown doctype, a duplicate fieldname, a property that would change how a table is stored) is
reported as a warning and left out, never a refusal of the whole site: one bad customization must
not stop every request.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from smooth.i18n.deferred import Message, _
from smooth.meta import fieldtypes
from smooth.meta.checks import FIELDNAME_RE, RESERVED, Issue, check_doctype
from smooth.meta.doctype import Meta

CUSTOM_FIELD = "Custom Field"
PROPERTY_SETTER = "Property Setter"
# bookkeeping of the Custom Field record, not properties of the field it adds
_RECORD_KEYS = frozenset({"name", "doctype", "dt", "module", "insert_after", "is_system_generated", "owner",
                          "creation", "modified", "modified_by", "docstatus", "idx", "parent", "parenttype",
                          "parentfield"})
# what would change how a table is stored or named: a migration's job, not a site's override
DOCTYPE_LOCKED = frozenset({"name", "istable", "issingle", "fields", "field_order", "permissions", "module",
                            "autoname", "indexes"})
FIELD_LOCKED = frozenset({"fieldname", "fieldtype", "unique", "length"})
INT_PROPERTIES = frozenset({"reqd", "hidden", "read_only", "unique", "bold", "in_list_view", "in_standard_filter",
                            "search_index", "no_copy", "allow_on_submit", "set_only_once", "permlevel",
                            "non_negative", "fetch_if_empty", "collapsible", "print_hide", "report_hide",
                            "in_global_search", "allow_rename", "track_changes", "is_submittable", "max_attachments",
                            "quick_entry", "allow_import", "hide_toolbar", "translatable", "columns", "precision"})


def coerce_property(prop: str, value: Any, property_type: str | None = None) -> Any:
    """A Property Setter's `value` (always text in the table) as the type the property holds."""
    if property_type in ("Check", "Int") or (not property_type and prop in INT_PROPERTIES):
        try:
            return int(float(value or 0))
        except (TypeError, ValueError):
            return 0
    return "" if value is None else value


def apply(metas: MutableMapping[str, Meta], custom_fields: Iterable[Mapping[str, Any]],
          property_setters: Iterable[Mapping[str, Any]]) -> list[Issue]:
    """Replace each customized Meta in `metas` by one built from its raw data plus the site's rows."""
    issues: list[Issue] = []
    raws: dict[str, dict[str, Any]] = {}

    def raw_of(doctype: str, what: str) -> dict[str, Any] | None:
        if doctype not in metas:
            issues.append(Issue("custom.W001", "warning", _("{0}: there is no DocType {1}; left out", what,
                                                            repr(doctype)),
                                hint="delete the record or install the app that defines the doctype"))
            return None
        if doctype not in raws:
            raws[doctype] = copy.deepcopy(metas[doctype].raw)
        return raws[doctype]

    pending: dict[str, list[Mapping[str, Any]]] = {}
    for row in custom_fields:
        raw = raw_of(str(row.get("dt") or ""), _record("Custom Field", row))
        if raw is not None:
            pending.setdefault(str(row["dt"]), []).append(row)
    for doctype, rows in pending.items():
        _add_fields(raws[doctype], rows, issues)
    for row in property_setters:
        raw = raw_of(str(row.get("doc_type") or ""), f"Property Setter {row.get('name')}")
        if raw is not None:
            _set_property(raw, row, issues)
    for doctype, raw in raws.items():
        old = metas[doctype]
        errors = [i for i in check_doctype(raw, old.path) if i.level == "error"]
        if errors:  # e.g. a Select default that is not an option: the doctype stays as shipped
            issues.extend(Issue("custom.W008", "warning", _("{0} is used without its customizations: {1} {2}",
                                                            _(doctype), e.id, e.message)) for e in errors)
            continue
        metas[doctype] = Meta(raw, path=old.path, app=old.app)
    return issues


def refusal(meta: Meta, custom_fields: Iterable[Mapping[str, Any]] = (),
            property_setters: Iterable[Mapping[str, Any]] = ()) -> str | None:
    """Why these rows would not apply to `meta` (checked when one is saved), or None."""
    issues = apply({meta.name: meta}, custom_fields, property_setters)
    return issues[0].message if issues else None


def field_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """The DocField a Custom Field row adds (Frappe marks it `is_custom_field`)."""
    field = {k: v for k, v in row.items() if k not in _RECORD_KEYS and v not in (None, "")}
    field["is_custom_field"] = 1
    return field


def _add_fields(raw: dict[str, Any], rows: list[Mapping[str, Any]], issues: list[Issue]) -> None:
    fields: list[dict[str, Any]] = raw.setdefault("fields", [])
    order: list[str] | None = raw.get("field_order") if isinstance(raw.get("field_order"), list) else None
    taken = {f.get("fieldname") for f in fields}
    todo = []
    for row in rows:
        fieldname = str(row.get("fieldname") or "")
        what = _record("Custom Field", row)
        if not FIELDNAME_RE.match(fieldname) or fieldname in RESERVED:
            issues.append(Issue("custom.W002", "warning", _("{0}: {1} is not a usable fieldname; left out", what,
                                                            repr(fieldname))))
        elif fieldname in taken:
            issues.append(Issue("custom.W003", "warning", _("{0}: {1} already has a field {2}; left out", what,
                                                            _(raw["name"]), repr(fieldname))))
        elif str(row.get("fieldtype") or "Data") not in fieldtypes.ALL:
            issues.append(Issue("custom.W004", "warning", _("{0}: unknown fieldtype {1}; left out", what,
                                                            repr(row.get("fieldtype")))))
        else:
            taken.add(fieldname)
            todo.append(row)
    # a custom field may follow another custom field: place those whose anchor is already there, repeatedly
    while todo:
        present = {f.get("fieldname") for f in fields}
        ready = [r for r in todo if not r.get("insert_after") or r.get("insert_after") in present]
        if not ready:
            ready = todo[:1]  # an unknown anchor: at the end, as Frappe does
        for row in ready:
            todo.remove(row)
            field = field_of(row)
            anchor = row.get("insert_after")
            at = next((i + 1 for i, f in enumerate(fields) if anchor and f.get("fieldname") == anchor), len(fields))
            fields.insert(at, field)
            if order is not None:
                order.insert(order.index(anchor) + 1 if anchor in order else len(order), field["fieldname"])


def _set_property(raw: dict[str, Any], row: Mapping[str, Any], issues: list[Issue]) -> None:
    prop = str(row.get("property") or "")
    what = _record("Property Setter", row)
    value = coerce_property(prop, row.get("value"), row.get("property_type"))
    applied_on = row.get("doctype_or_field") or ("DocField" if row.get("field_name") else "DocType")
    if applied_on == "DocType":
        if prop in DOCTYPE_LOCKED or not prop:
            issues.append(Issue("custom.W005", "warning", _("{0}: the DocType property {1} cannot be overridden "
                                                            "on a site; left out", what, repr(prop))))
            return
        raw[prop] = value
        return
    if applied_on != "DocField":
        issues.append(Issue("custom.W006", "warning", _("{0}: properties of a {1} are not implemented; left out",
                                                        what, applied_on)))
        return
    field = next((f for f in raw.get("fields") or [] if f.get("fieldname") == row.get("field_name")), None)
    if field is None:
        issues.append(Issue("custom.W007", "warning", _("{0}: {1} has no field {2}; left out", what,
                                                        _(raw["name"]), repr(row.get("field_name")))))
    elif prop in FIELD_LOCKED or not prop:
        issues.append(Issue("custom.W005", "warning", _("{0}: the field property {1} changes the column and "
                                                        "cannot be overridden on a site; left out", what,
                                                        repr(prop))))
    else:
        field[prop] = value


def _record(doctype: str, row: Mapping[str, Any]) -> Message:
    """"Custom Field X" in a message, the doctype's name translated with it."""
    return Message("{0} {1}", _(doctype), row.get("name"))
