"""A file's rows as the records they describe, each cell read as its field's value or an error for that cell.

Frappe's layout: a row with any of the parent's columns filled starts a record; the rows below it
with only child table columns filled add further child rows to it. A record is numbered by the
spreadsheet row it starts on (the header is row 1), the number a person sees in their spreadsheet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from smooth.context import db
from smooth.exceptions import ValidationError
from smooth.filters import shown
from smooth.messages import _
from smooth.meta.coerce import CoercionError, coercer_for
from smooth.meta.doctype import DocField, Meta

from .columns import ID, SKIP, Column

FIRST_DATA_ROW = 2  # the header is row 1


@dataclass
class Record:
    row_number: int
    row_numbers: list[int] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # target -> raw cell
    children: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)  # table field -> (row, cells)


def _filled(cell: Any) -> bool:
    return cell is not None and cell != ""


def group_records(rows: Sequence[Sequence[Any]], mapping: dict[str, str]) -> list[Record]:
    """The data rows (rows[1:]) grouped into records by the mapping {column number: target}."""
    targets = {int(k): v for k, v in mapping.items() if v != SKIP}
    parent_cols = [i for i, t in targets.items() if "." not in t]
    records: list[Record] = []
    for offset, row in enumerate(rows[1:]):
        number = offset + FIRST_DATA_ROW
        cell = dict(enumerate(row))
        if not any(_filled(cell.get(i)) for i in targets):
            continue
        if not records or any(_filled(cell.get(i)) for i in parent_cols):
            records.append(Record(number))
            for i in parent_cols:
                records[-1].values[targets[i]] = cell.get(i)
        record = records[-1]
        record.row_numbers.append(number)
        child_rows: dict[str, dict[str, Any]] = {}
        for i, target in targets.items():
            if "." in target and _filled(cell.get(i)):
                table, fieldname = target.split(".", 1)
                child_rows.setdefault(table, {})[fieldname] = cell.get(i)
        for table, child in child_rows.items():
            record.children.setdefault(table, []).append((number, child))
    return records


class CellReader:
    """Reads cells as field values; `check_links` also refuses a Link to a record that does not exist and a
    Select value not among its options (the preview's checks; an import leaves them to the document's own
    validation, which names them the same way)."""

    def __init__(self, check_links: bool = False) -> None:
        self.check_links = check_links
        self._found: dict[tuple[str, str], bool] = {}

    def link_exists(self, doctype: str, value: str) -> bool:
        key = (doctype, value)
        if key not in self._found:
            self._found[key] = bool(db().exists(doctype, value))
        return self._found[key]

    def read(self, df: DocField, raw: Any) -> Any:
        """The cell as `df`'s value; a ValidationError naming the field and what is wrong otherwise."""
        if raw is None or raw == "":
            return None
        if df.fieldtype in ("Data", "Link", "Select", "Dynamic Link") and isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a spreadsheet holds a code such as 1001 as a number
        try:
            value = coercer_for(df.fieldtype)(raw)
        except CoercionError as exc:
            raise ValidationError(_("{0}: {1} {2}", _(df.label), shown(raw), exc)) from None
        if self.check_links and value not in (None, ""):
            if df.fieldtype == "Select" and value not in df.select_options:
                raise ValidationError(_("{0}: {1} is not one of {2}",
                                        _(df.label), shown(value), ", ".join(df.select_options)))
            if df.fieldtype == "Link" and df.options and not self.link_exists(df.options, str(value)):
                raise ValidationError(_("{0}: {1} {2} not found", _(df.label), _(df.options), shown(value)))
        return value


@dataclass
class ReadRecord:
    """A record's values ready for a document, and what is wrong with its cells ((row, target) -> message)."""

    values: dict[str, Any]
    children: dict[str, list[dict[str, Any]]]
    errors: dict[tuple[int, str], str]
    missing: list[str]  # mandatory fields without a column in the file


def read_record(record: Record, meta: Meta, columns: dict[str, Column], reader: CellReader,
                get_meta: Callable[[str], Meta], needs_mandatory: bool = True) -> ReadRecord:
    errors: dict[tuple[int, str], str] = {}
    first = record.row_number
    values: dict[str, Any] = {}
    for target, raw in record.values.items():
        column = columns[target]
        if column.field is None:
            if _filled(raw):
                values[ID] = str(int(raw) if isinstance(raw, float) and raw.is_integer() else raw)
            continue
        try:
            values[target] = reader.read(column.field, raw)
        except ValidationError as exc:
            errors[first, target] = str(exc)
    missing: list[str] = []
    if needs_mandatory:
        for df in meta.mandatory_fields:
            if ((first, df.fieldname) in errors or values.get(df.fieldname) not in (None, "")
                    or df.default not in (None, "")):
                continue
            if df.fieldname in record.values:
                errors[first, df.fieldname] = _("{0} is mandatory", _(df.label))
            else:
                missing.append(df.label)
    children: dict[str, list[dict[str, Any]]] = {}
    for table, rows in record.children.items():
        child_meta = get_meta(columns_table(columns, table))
        for number, raw_row in rows:
            row: dict[str, Any] = {}
            for fieldname, raw in raw_row.items():
                target = f"{table}.{fieldname}"
                try:
                    row[fieldname] = reader.read(columns[target].field, raw)  # type: ignore[arg-type]
                except ValidationError as exc:
                    errors[number, target] = str(exc)
            for df in child_meta.mandatory_fields:
                if row.get(df.fieldname) in (None, "") and df.default in (None, ""):
                    errors[number, f"{table}.{df.fieldname}"] = _("{0} ({1}) is mandatory", _(df.label), table)
            children.setdefault(table, []).append(row)
    return ReadRecord(values, children, errors, missing)


def columns_table(columns: dict[str, Column], table: str) -> str:
    for column in columns.values():
        if column.table is not None and column.table.fieldname == table:
            return column.table.options or ""
    raise ValidationError(_("No child table {0!r} among the import's columns", table))
