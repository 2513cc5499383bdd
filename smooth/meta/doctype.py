"""`Meta`: a doctype JSON file turned into a read-only, pre-indexed schema object.

Meta is plain data (not a Document): the document pipeline, the schema sync, the query
layer and the permission checks all read it on hot paths, so every lookup they need is
computed once here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from smooth.meta import fieldtypes
from smooth.safe_urls import is_url_field

PERM_TYPES = ("read", "write", "create", "delete", "submit", "cancel", "amend", "report", "export",
              "import", "print", "email", "share", "select")


class DocField:
    """One entry of a doctype's `fields` list."""

    __slots__ = (
        "fieldname", "fieldtype", "label", "options", "reqd", "read_only", "default", "unique",
        "search_index", "in_list_view", "in_standard_filter", "hidden", "length", "allow_on_submit",
        "no_copy", "set_only_once", "fetch_from", "fetch_if_empty", "precision", "depends_on", "mandatory_depends_on",
        "read_only_depends_on",
        "permlevel", "non_negative", "description", "print_hide", "in_global_search", "idx", "raw",
    )

    def __init__(self, data: Mapping[str, Any], idx: int = 0) -> None:
        self.raw = dict(data)
        self.fieldname: str = data.get("fieldname") or ""
        self.fieldtype: str = data.get("fieldtype") or "Data"
        self.label: str = data.get("label") or self.fieldname.replace("_", " ").title()
        self.options: str | None = data.get("options") or None
        self.reqd = bool(data.get("reqd"))
        self.read_only = bool(data.get("read_only"))
        self.default = data.get("default")
        self.unique = bool(data.get("unique"))
        self.search_index = bool(data.get("search_index"))
        self.in_list_view = bool(data.get("in_list_view"))
        self.in_standard_filter = bool(data.get("in_standard_filter"))
        self.hidden = bool(data.get("hidden"))
        self.length = int(data.get("length") or 0)
        self.allow_on_submit = bool(data.get("allow_on_submit"))
        self.no_copy = bool(data.get("no_copy"))
        self.set_only_once = bool(data.get("set_only_once"))
        self.fetch_from: str | None = data.get("fetch_from") or None
        self.fetch_if_empty = bool(data.get("fetch_if_empty"))
        self.precision: int | None = _precision(data.get("precision"))
        self.depends_on: str | None = data.get("depends_on") or None
        self.mandatory_depends_on: str | None = data.get("mandatory_depends_on") or None
        self.read_only_depends_on: str | None = data.get("read_only_depends_on") or None
        self.permlevel = int(data.get("permlevel") or 0)
        self.non_negative = bool(data.get("non_negative"))
        self.description: str | None = data.get("description") or None
        self.print_hide = bool(data.get("print_hide"))
        self.in_global_search = bool(data.get("in_global_search"))
        self.idx = idx

    @property
    def select_options(self) -> list[str]:
        """Options of a Select field; the empty string is always allowed (an unset value)."""
        return [o.strip() for o in (self.options or "").split("\n") if o.strip()]

    @property
    def has_value(self) -> bool:
        return self.fieldtype not in fieldtypes.NO_VALUE

    def __repr__(self) -> str:
        return f"<DocField {self.fieldname} {self.fieldtype}>"


class Meta:
    """Schema of one doctype, loaded from its JSON file.

    The constructor is the one place loaded data becomes a schema: every derived list (fields
    in `field_order`, value / link / mandatory fields, columns) is computed here from `data`.
    A layer that changes a doctype (Custom Fields, Property Setters) builds a new Meta from
    changed data (`Meta({**meta.raw, ...}, meta.path, meta.app)`), never edits one in place.
    """

    def __init__(self, data: Mapping[str, Any], path: Path | None = None, app: str | None = None) -> None:
        self.raw = dict(data)
        self.path = path
        self.app = app
        self.name: str = data["name"]
        self.module: str = data.get("module") or ""
        self.istable = bool(data.get("istable"))
        self.issingle = bool(data.get("issingle"))
        self.is_submittable = bool(data.get("is_submittable"))
        self.track_changes = bool(data.get("track_changes"))
        self.track_views = bool(data.get("track_views"))  # who opens, prints, downloads, exports it: Access Log
        self.autoname: str = (data.get("autoname") or "").strip()
        self.autoincrement = self.autoname.lower() == "autoincrement"  # names 1, 2, 3 in an integer column
        self.title_field: str | None = data.get("title_field") or None
        self.search_fields: str | None = data.get("search_fields") or None
        self.sort_field: str = data.get("sort_field") or "creation"
        self.sort_order: str = (data.get("sort_order") or "DESC").upper()
        self.allow_rename = bool(data.get("allow_rename"))
        self.description: str | None = data.get("description") or None
        self.indexes: list[dict[str, Any]] = [_index_spec(i) for i in data.get("indexes") or []]
        self.fields: list[DocField] = [DocField(f, i + 1) for i, f in enumerate(in_field_order(data))]
        self.permissions: list[dict[str, Any]] = [dict(p) for p in data.get("permissions") or []]
        # smooth.permissions.role_rights: each set of roles' rights, worked out from `permissions` once
        self.rights_by_roles: dict[frozenset[str], tuple[frozenset[str], frozenset[str]]] = {}
        # smooth.filters.normalize: conditions with a single value, checked and coerced once per doctype
        self.filter_memo: dict[tuple[Any, ...], Any] = {}
        # smooth.model.save_plan: how documents of each controller class are built and saved
        self.save_plans: dict[type, Any] = {}

        self._by_name = {f.fieldname: f for f in self.fields if f.fieldname}
        self.value_fields: list[DocField] = [f for f in self.fields if f.has_value and f.fieldname]
        self.table_fields: list[DocField] = [f for f in self.fields if f.fieldtype in fieldtypes.TABLE]
        self.link_fields: list[DocField] = [f for f in self.value_fields if f.fieldtype == "Link"]
        self.mandatory_fields: list[DocField] = [f for f in self.value_fields if f.reqd]
        self.conditionally_mandatory: list[DocField] = [f for f in self.fields
                                                        if f.mandatory_depends_on and not f.reqd and f.fieldname]
        self.password_fields: list[DocField] = [f for f in self.value_fields if f.fieldtype == "Password"]
        self.password_fieldnames = frozenset(f.fieldname for f in self.password_fields)
        self.unique_fields: list[DocField] = [f for f in self.value_fields if f.unique]
        self.linking_fields: list[DocField] = [f for f in self.value_fields  # Link and Dynamic Link
                                             if f.fieldtype in ("Link", "Dynamic Link")]
        # the fields whose values validation checks beyond their type: URLs, Select options, Rating, lengths, signs
        self.checked_fields: list[DocField] = [
            f for f in self.value_fields
            if is_url_field(f.fieldtype, f.options) or f.fieldtype in ("Select", "Rating")
            or (f.fieldtype in fieldtypes.TEXT and f.fieldtype != "Password")
            or (f.non_negative and f.fieldtype in fieldtypes.NUMERIC)]
        self.fetches: dict[str, list[tuple[str, str, bool]]] = {}  # Link field -> (field, source, if_empty)
        for f in self.value_fields:
            if f.fetch_from and "." in f.fetch_from:
                link, source = f.fetch_from.split(".", 1)
                self.fetches.setdefault(link, []).append((f.fieldname, source, f.fetch_if_empty))
        self.standard_columns: tuple[str, ...] = fieldtypes.STANDARD_FIELDS + (
            fieldtypes.CHILD_FIELDS if self.istable else ()
        )
        self.columns: tuple[str, ...] = self.standard_columns + tuple(f.fieldname for f in self.value_fields)
        self.column_set = frozenset(self.columns)

    @property
    def table_name(self) -> str:
        return f"tab{self.name}"

    @property
    def module_package(self) -> str:
        return self.raw.get("_module_package", "")

    def get_field(self, fieldname: str) -> DocField | None:
        return self._by_name.get(fieldname)

    def has_field(self, fieldname: str) -> bool:
        return fieldname in self._by_name

    def get_label(self, fieldname: str) -> str:
        field = self._by_name.get(fieldname)
        if field:
            return field.label
        return fieldname.replace("_", " ").title()

    def get_table_field_for(self, child_doctype: str) -> Iterable[DocField]:
        return (f for f in self.table_fields if f.options == child_doctype)

    def __repr__(self) -> str:
        return f"<Meta {self.name}>"


def _precision(value: Any) -> int | None:
    """Frappe's `precision` ("" or "0".."9", as text): the decimals a number field rounds to."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() and int(text) <= 9 else None


def in_field_order(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The `fields` rows in the order Frappe lays a form out: as `field_order` lists them, then
    the rows it does not list, in their own order (names it lists that are no field are skipped)."""
    rows = [f for f in data.get("fields") or [] if isinstance(f, Mapping)]
    order = data.get("field_order")
    if not isinstance(order, list) or not order:
        return rows
    position = {name: i for i, name in enumerate(order) if isinstance(name, str)}
    listed = sorted((r for r in rows if r.get("fieldname") in position), key=lambda r: position[r["fieldname"]])
    return listed + [r for r in rows if r.get("fieldname") not in position]


def _index_spec(spec: Any) -> dict[str, Any]:
    """Smooth extension: `"indexes": [["a", "b"], {"fields": ["c"], "unique": 1}]` in a doctype JSON."""
    if isinstance(spec, list | tuple):
        return {"fields": list(spec), "unique": False}
    return {"fields": list(spec.get("fields") or []), "unique": bool(spec.get("unique"))}


def scrub(text: str) -> str:
    """`LMS Certificate Request` -> `lms_certificate_request`: folder, file and module names."""
    return text.replace(" ", "_").replace("-", "_").lower()


def controller_class_name(doctype: str) -> str:
    """`LMS Certificate Request` -> `LMSCertificateRequest`."""
    return doctype.replace(" ", "").replace("-", "")
