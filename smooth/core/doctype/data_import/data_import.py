"""Data Import (Frappe's doctype): records of any doctype from a CSV or XLSX file.

The record holds what to import (the doctype, the file, insert / update / upsert, the column
mapping) and what came of it (status, counters); each failed or skipped record is a Data Import
Log row with its spreadsheet row number and message. The desk's page (`/app/data-import/...`) and
`bench data-import` drive it through the functions below: the template, the preview, the start
(a background job, `importing.run_import`), the status the page polls, and the failed rows as a
file to fix and import again.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from smooth.context import db, local, now_datetime
from smooth.exceptions import ValidationError
from smooth.jobs.enqueue import enqueue
from smooth.messages import _
from smooth.model.document import Document
from smooth.model.records import get_doc
from smooth.permissions import has_permission
from smooth.whitelist import FileDownload, whitelist

from .columns import auto_map, columns_of, template_headers
from .importing import FAILED, run_import
from .plan import (
    INSERT,
    check_mapping,
    check_rights,
    doctype_columns,
    file_rows,
    importable_meta,
    key_field,
    load_plan,
    parse_mapping,
)
from .preview import preview
from .spreadsheet import CSV_MIME, XLSX_MIME, Row, file_format, write_rows

JOB_TIMEOUT = 4 * 3600
# A running import stamps `modified` at each batch; one silent for this long lost its worker and may start again.
STALE_RUNNING = dt.timedelta(minutes=15)
COUNTERS = ("status", "total_rows", "processed_rows", "imported_rows", "skipped_rows", "failed_rows")


class DataImport(Document):
    def validate(self) -> None:
        if not self.reference_doctype:
            return  # the mandatory check after validate names what is missing
        meta = importable_meta(self.reference_doctype)
        key_field(meta, self.update_key)
        if self.status == "Running" and not self.is_new() and self.has_value_changed("import_file"):
            raise ValidationError(_("The import is running: wait for it to finish before changing its file"))
        if not self.import_file:
            return
        if self.is_new() or self.has_value_changed("import_file") or self.has_value_changed("column_mapping"):
            _name, rows = file_rows(self.import_file)
            columns = doctype_columns(meta)
            width = max(len(r) for r in rows)
            if self.has_value_changed("import_file") and not self.is_new():
                self.column_mapping = None  # a new file: map its own headers
            mapping = parse_mapping(self.column_mapping) or auto_map(rows[0], list(columns.values()))
            mapping = {str(i): mapping.get(str(i), "") for i in range(width)}
            check_mapping(mapping, columns, width)
            self.column_mapping = json.dumps(mapping)

    def on_trash(self) -> None:
        for name in db().get_all("Data Import Log", filters={"data_import": self.name}, pluck="name", order_by=""):
            get_doc("Data Import Log", name).delete(ignore_permissions=True)


def _load(data_import: str, ptype: str = "read") -> Document:
    doc = get_doc("Data Import", data_import)
    doc.check_permission(ptype)
    return doc


def _temporary(suffix: str) -> Path:
    handle = tempfile.NamedTemporaryFile(prefix="smooth-import-", suffix=suffix, delete=False)
    handle.close()
    return Path(handle.name)


def _download(rows: list[Row], stem: str, file_type: str) -> FileDownload:
    fmt = file_format(f"x.{(file_type or 'csv').lower()}")
    path = _temporary(f".{fmt}")
    write_rows(path, rows, fmt)
    return FileDownload(path, f"{stem}.{fmt}", XLSX_MIME if fmt == "xlsx" else CSV_MIME, remove_after=True)


@whitelist(methods=["GET"])
def download_template(doctype: str, file_type: str = "CSV") -> FileDownload:
    """An empty file with the doctype's columns as headers (child tables' as "Field (Table)")."""
    meta = importable_meta(doctype)
    if not has_permission(doctype, "write"):
        check_rights(doctype, INSERT)
    headers = template_headers(columns_of(meta, local().site.get_meta))
    return _download([headers], f"{doctype} Import Template", file_type)


@whitelist(methods=["GET"])
def get_preview(data_import: str) -> dict[str, Any]:
    doc = _load(data_import)
    shown = preview(load_plan(doc), doc.import_type)
    return {"headers": shown.headers, "targets": shown.targets, "records": shown.records,
            "error_count": shown.error_count,
            "rows": [{"row_number": r.row_number, "problems": r.problems,
                      "cells": [{"value": _jsonable(v), "error": e} for v, e in r.cells]} for r in shown.rows]}


def _jsonable(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float) else str(value)


@whitelist(methods=["POST"])
def start_import(data_import: str) -> str:
    """Queue the import (only what an earlier run left undone); the job id."""
    doc = _load(data_import, "write")
    if doc.status == "Running" and now_datetime() - doc.modified < STALE_RUNNING:
        raise ValidationError(_("Data Import {0} is already running", doc.name))
    check_rights(doc.reference_doctype, doc.import_type)
    load_plan(doc)  # a file or mapping that cannot be read is refused now, not in the job
    doc.db_set("status", "Pending", update_modified=False)
    return enqueue(run_import, queue="long", timeout=JOB_TIMEOUT, job_id=f"data-import-{doc.name}",
                   deduplicate=True, data_import=doc.name)


@whitelist(methods=["GET"])
def get_import_status(data_import: str) -> dict[str, Any]:
    doc = _load(data_import)
    return {k: doc.get(k) for k in COUNTERS}


def failed_logs(data_import: str) -> list[dict[str, Any]]:
    return db().get_all("Data Import Log", filters={"data_import": data_import, "status": FAILED},
                        fields=["row_number", "message"], order_by="row_number asc")


@whitelist(methods=["GET"])
def download_failed_rows(data_import: str) -> FileDownload:
    """The failed records' rows as the file had them, with an Error column: fix them and import that file."""
    doc = _load(data_import)
    name, rows = file_rows(doc.import_file)
    errors = {int(log["row_number"]): str(log["message"] or "") for log in failed_logs(doc.name)}
    plan = load_plan(doc)
    width = max(len(r) for r in rows)
    out: list[Row] = [list(rows[0]) + [None] * (width - len(rows[0])) + ["Error"]]
    for record in plan.records:
        if record.row_number not in errors:
            continue
        for number in record.row_numbers:
            row = list(rows[number - 1]) + [None] * (width - len(rows[number - 1]))
            out.append(row + [errors[record.row_number] if number == record.row_number else None])
    return _download(out, f"{name.rsplit('.', 1)[0]} failed rows", file_format(name))
