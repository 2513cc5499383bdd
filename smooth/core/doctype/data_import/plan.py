"""What an import will do: its doctype's columns, the file's rows, the mapping and the records they make."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import smooth.permissions as permissions
from smooth.context import db, local
from smooth.core.doctype.file.file import can_read
from smooth.exceptions import PermissionError, ValidationError
from smooth.file_storage import read_file
from smooth.messages import _
from smooth.meta.doctype import Meta
from smooth.model.document import Document

from .columns import ID, SKIP, Column, auto_map, columns_of
from .records import Record, group_records
from .spreadsheet import Row, file_format, read_rows

INSERT, UPDATE, UPSERT = "Insert New Records", "Update Existing Records", "Upsert"


def importable_meta(doctype: str) -> Meta:
    site = local().site
    if not doctype or doctype not in site.registry:
        raise ValidationError(_("{0!r} is not a DocType", doctype))
    meta = site.get_meta(doctype)
    if meta.istable or meta.issingle:
        raise ValidationError(_("{0} is a child table or a single: import its parent's records instead", _(doctype)))
    return meta


def required_rights(import_type: str) -> tuple[str, ...]:
    return {INSERT: ("create",), UPDATE: ("write",)}.get(import_type, ("create", "write"))


def check_rights(doctype: str, import_type: str) -> None:
    """Refuse, before a row is read, an import the user could not do by hand (each row is checked again)."""
    for ptype in required_rights(import_type):
        if not permissions.has_permission(doctype, ptype):
            raise PermissionError(_("Not permitted: you may not {0} {1} records, so you cannot import them",
                                    ptype, _(doctype)))


def doctype_columns(meta: Meta) -> dict[str, Column]:
    return {c.target: c for c in columns_of(meta, local().site.get_meta)}


def file_rows(file_url: str) -> tuple[str, list[Row]]:
    """The import file's name and rows; only a file the user may read."""
    if not file_url or not can_read(file_url):
        raise PermissionError(_("Not permitted: you may not read the import file {0}", file_url or _("(none)")))
    content = read_file(file_url)
    if content is None:
        raise ValidationError(_("The import file {0} is not stored on this site: upload it again", file_url))
    name = str(db().get_value("File", {"file_url": file_url}, "file_name") or file_url.rsplit("/", 1)[-1])
    file_format(name)
    rows = read_rows(content, name)
    if not rows:
        raise ValidationError(_("{0} is empty: it needs a header row and one row per record", name))
    return name, rows


def parse_mapping(value: Any) -> dict[str, str]:
    if value in (None, ""):
        return {}
    mapping = json.loads(value) if isinstance(value, str) else value
    if not isinstance(mapping, dict):
        raise ValidationError(_("Field of Each Column must be a JSON object of column number to field"))
    return {str(k): str(v or "") for k, v in mapping.items()}


def check_mapping(mapping: dict[str, str], columns: dict[str, Column], width: int) -> None:
    seen: set[str] = set()
    for key, target in mapping.items():
        if not key.isdigit() or int(key) >= width:
            raise ValidationError(_("Field of Each Column names column {0}, which the file does not have", key))
        if target == SKIP:
            continue
        if target not in columns:
            raise ValidationError(_("Field of Each Column: {0!r} is not a field an import can fill", target))
        if target in seen:
            raise ValidationError(_("Field of Each Column: two columns go to {0}; skip one", columns[target].header))
        seen.add(target)


@dataclass
class Plan:
    meta: Meta
    columns: dict[str, Column]
    file_name: str
    rows: list[Row]
    mapping: dict[str, str]
    records: list[Record]

    @property
    def headers(self) -> list[Any]:
        return list(self.rows[0])

    @property
    def width(self) -> int:
        return max(len(r) for r in self.rows)

    def mapped(self, target: str) -> bool:
        return target in self.mapping.values()


def load_plan(doc: Document) -> Plan:
    meta = importable_meta(doc.reference_doctype)
    columns = doctype_columns(meta)
    file_name, rows = file_rows(doc.import_file)
    mapping = parse_mapping(doc.column_mapping) or auto_map(rows[0], list(columns.values()))
    width = max(len(r) for r in rows)
    mapping = {str(i): mapping.get(str(i), SKIP) for i in range(width)}
    check_mapping(mapping, columns, width)
    return Plan(meta, columns, file_name, rows, mapping, group_records(rows, mapping))


def key_field(meta: Meta, update_key: str | None) -> str:
    key = (update_key or ID).strip() or ID
    if key == ID:
        return key
    field = meta.get_field(key)
    if field is None or not field.unique:
        uniques = ", ".join(f.fieldname for f in meta.unique_fields) or "none"
        raise ValidationError(_("Match Existing Records By must be name or a unique field of {0} (unique fields: "
                                "{1}), not {2!r}", _(meta.name), uniques, key))
    return key
