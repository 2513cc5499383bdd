"""Which columns an import of a doctype takes, and which file column goes to which field.

A column's target is `name` (the record's ID), a fieldname, or `<table field>.<fieldname>` for a
child table's column. The template heads them as Frappe's does: the field's label, a child
table's columns as "Label (Table Label)"; auto-mapping accepts a label or a fieldname in either
form, case and spacing aside, so a file exported from elsewhere maps as far as its headers allow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from smooth.meta.doctype import DocField, Meta

ID = "name"
ID_LABEL = "ID"
SKIP = ""


@dataclass(frozen=True)
class Column:
    target: str  # "name", "fieldname" or "table_field.fieldname"
    header: str  # what the template calls it
    field: DocField | None  # None for the ID
    table: DocField | None = None  # the Table field of a child column

    @property
    def doctype_field(self) -> str:
        return self.field.fieldname if self.field else ID


def importable(field: DocField) -> bool:
    """A field a person fills: it holds a value and is neither read only nor computed."""
    return (field.has_value and bool(field.fieldname) and not field.read_only
            and field.fieldtype not in ("Read Only", "Password"))


def columns_of(meta: Meta, get_meta: Callable[[str], Meta]) -> list[Column]:
    """Every column an import of `meta` takes, in the template's order."""
    out = [Column(ID, ID_LABEL, None)]
    out += [Column(f.fieldname, f.label, f) for f in meta.fields if importable(f)]
    for table in meta.table_fields:
        child = get_meta(table.options or "")
        out += [Column(f"{table.fieldname}.{f.fieldname}", f"{f.label} ({table.label})", f, table)
                for f in child.fields if importable(f)]
    return out


def _key(text: Any) -> str:
    return " ".join(str(text or "").replace("_", " ").lower().split())


def _aliases(column: Column) -> set[str]:
    field = column.field
    names = {_key(column.header), _key(column.target)}
    if field is None:
        names |= {_key("name"), _key("id")}
    elif column.table is not None:
        for table_name in (column.table.label, column.table.fieldname):
            for field_name in (field.label, field.fieldname):
                names.add(_key(f"{field_name} ({table_name})"))
    else:
        names |= {_key(field.label), _key(field.fieldname)}
    return names


def auto_map(headers: Sequence[Any], columns: Sequence[Column]) -> dict[str, str]:
    """{column number: target} for each header that names a column (by label or fieldname); others skipped.
    A target is taken once: a second header naming it is skipped."""
    by_alias: dict[str, str] = {}
    for column in columns:
        for alias in _aliases(column):
            by_alias.setdefault(alias, column.target)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        target = by_alias.get(_key(header), SKIP)
        if target in taken:
            target = SKIP
        taken.add(target)
        mapping[str(index)] = target
    return mapping


def template_headers(columns: Sequence[Column]) -> list[str]:
    return [c.header for c in columns]
