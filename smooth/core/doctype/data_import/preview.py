"""The first records of an import as they would be read, each cell with its error, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smooth.context import local
from smooth.messages import _

from .columns import SKIP
from .plan import INSERT, Plan
from .records import CellReader, read_record

PREVIEW_RECORDS = 20


@dataclass
class PreviewRow:
    row_number: int
    cells: list[tuple[Any, str]]  # (what the file holds, the error of that cell or "")
    problems: list[str] = field(default_factory=list)  # what is wrong with the record beyond its cells


@dataclass
class Preview:
    headers: list[Any]
    targets: list[str]  # per file column: the column header it maps to, or "" when skipped
    rows: list[PreviewRow]
    error_count: int
    records: int


def preview(plan: Plan, import_type: str, limit: int = PREVIEW_RECORDS) -> Preview:
    reader = CellReader(check_links=True)
    width = plan.width
    targets = [plan.mapping.get(str(i), SKIP) for i in range(width)]
    by_number = {offset + 2: row for offset, row in enumerate(plan.rows[1:])}
    rows: list[PreviewRow] = []
    errors = 0
    for record in plan.records[:limit]:
        read = read_record(record, plan.meta, plan.columns, reader, local().site.get_meta,
                           needs_mandatory=import_type == INSERT)
        errors += len(read.errors) + len(read.missing)
        for number in record.row_numbers:
            cells = list(by_number[number]) + [None] * (width - len(by_number[number]))
            rows.append(PreviewRow(number, [(cells[i], read.errors.get((number, targets[i]), ""))
                                            for i in range(width)]))
        if read.missing:
            rows[-len(record.row_numbers)].problems.append(_("Mandatory, but no column in the file: {0}",
                                                           ", ".join(_(label) for label in read.missing)))
    headers = [plan.columns[t].header if t else "" for t in targets]
    return Preview(list(plan.headers) + [None] * (width - len(plan.headers)), headers, rows, errors,
                   len(plan.records))
