"""Running an import: each record through the full document lifecycle, a failed one not stopping the rest.

Every record is a document inserted or saved as the importing user (validation, permissions,
record rules, hooks), inside a savepoint: a record that fails rolls back alone and is logged with
its row number and message (records go a chunk to a savepoint until one fails; then that chunk
runs again a record to a savepoint). The job commits in batches (one unit of work each) so the counters the
page polls move and a 100,000-row file is not one transaction; it is therefore `@opens_units`.

Starting an import that already ran takes only what it did not finish: the records logged as
failed and those it never reached, so running it again never duplicates what it imported. A new
import of the same file does not duplicate either where a record is known by its ID or a unique
field: inserting skips (and logs) a record that already exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from smooth.context import db, local, savepoint, unit_of_work
from smooth.exceptions import ValidationError
from smooth.jobs.execute import opens_units
from smooth.messages import _
from smooth.model.document import Document
from smooth.model.records import get_doc

from .columns import ID
from .plan import INSERT, UPDATE, Plan, check_rights, key_field, load_plan
from .records import CellReader, Record, read_record

BATCH = 500  # records a unit of work (a commit, and the counters the page polls move)
CHUNK = 50  # records a savepoint while none fails
Progress = Callable[[int, int], None]
IMPORTED, SKIPPED, FAILED = "Imported", "Skipped", "Failed"


class Skip(Exception):
    """The record is already there (insert mode)."""


def _existing(plan: Plan, key: str, values: dict[str, Any]) -> str | None:
    value = values.get(key)
    if value in (None, ""):
        return None
    if key == ID:
        return value if db().exists(plan.meta.name, value) else None
    found = db().get_value(plan.meta.name, {key: value}, "name")
    return str(found) if found else None


def _already_there(plan: Plan, values: dict[str, Any]) -> str | None:
    """In insert mode: the record with this row's ID, one of its unique values or the values of a unique index
    (Employee Compliance's employee and compliance type), if there is one."""
    for key in (ID, *(f.fieldname for f in plan.meta.unique_fields)):
        name = _existing(plan, key, values)
        if name:
            return name
    for index in plan.meta.indexes:
        fields = index["fields"]
        if index["unique"] and fields and all(values.get(f) not in (None, "") for f in fields):
            found = db().get_value(plan.meta.name, {f: values[f] for f in fields}, "name")
            if found:
                return str(found)
    return None


def _fill(doc: Document, values: dict[str, Any], children: dict[str, list[dict[str, Any]]]) -> None:
    doc.update({k: v for k, v in values.items() if k != ID})
    for table, rows in children.items():
        doc.set(table, [])  # the file's rows replace the table's rows
        for row in rows:
            doc.append(table, row)


def import_record(plan: Plan, record: Record, import_type: str, key: str, reader: CellReader,
                  look_first: bool = True) -> str:
    """Insert or save one record; its name. Raises what the document raised, or Skip.

    With `look_first` false an insert does not ask whether the record is already there: the unique
    indexes refuse a duplicate, and the caller runs the record again looking first, to skip it."""
    read = read_record(record, plan.meta, plan.columns, reader, local().site.get_meta,
                       needs_mandatory=import_type == INSERT)
    if read.errors:
        raise ValidationError("; ".join(read.errors.values()))
    values = read.values
    if import_type == INSERT:
        existing = _already_there(plan, values) if look_first else None
    else:
        existing = _existing(plan, key, values)
    if import_type == INSERT and existing:
        raise Skip(f"{plan.meta.name} {existing} already exists")
    if existing:
        doc = get_doc(plan.meta.name, existing)
        doc.check_permission("write")
        _fill(doc, values, read.children)
        doc.save()
        return str(doc.name)
    if import_type == UPDATE:
        shown = values.get(key)
        label = _("ID") if key == ID else _(plan.meta.get_label(key))
        raise ValidationError(_("No {0} with {1} {2!r} to update", _(plan.meta.name), label, shown)
                              if shown not in (None, "") else
                              _("The row has no {0} to find the {1} to update by", label, _(plan.meta.name)))
    doc = get_doc({"doctype": plan.meta.name})
    if values.get(ID):
        doc.name = values[ID]
    _fill(doc, values, read.children)
    doc.insert()
    return str(doc.name)


def _log(data_import: str, record: Record, status: str, message: str, docname: str = "") -> None:
    get_doc({"doctype": "Data Import Log", "data_import": data_import, "row_number": record.row_number,
             "status": status, "message": message[:4000], "docname": docname}).insert(ignore_permissions=True)


def _to_run(data_import: Document, plan: Plan) -> list[Record]:
    """The records an earlier run left: those it logged as failed and those it never reached."""
    done = int(data_import.processed_rows or 0)
    if not done:
        return plan.records
    failed = set(db().get_all("Data Import Log", filters={"data_import": data_import.name, "status": FAILED},
                              pluck="row_number", order_by=""))
    return [r for i, r in enumerate(plan.records) if i >= done or r.row_number in failed]


def _start(name: str) -> tuple[Plan, list[Record], str, str]:
    with unit_of_work():
        doc = get_doc("Data Import", name, for_update=True)
        doc.check_permission("write")
        check_rights(doc.reference_doctype, doc.import_type)
        plan = load_plan(doc)
        key = key_field(plan.meta, doc.update_key)
        todo = _to_run(doc, plan)
        if doc.processed_rows:
            failed_logs = db().get_all("Data Import Log", filters={"data_import": name, "status": FAILED},
                                       pluck="name", order_by="")
            for log_name in failed_logs:
                get_doc("Data Import Log", log_name).delete(ignore_permissions=True)
        doc.db_set({"status": "Running", "total_rows": len(plan.records),
                    "failed_rows": 0 if doc.processed_rows else doc.failed_rows})
        return plan, todo, key, str(doc.import_type)


def _count(name: str, outcomes: dict[str, int], processed: int) -> None:
    doc = get_doc("Data Import", name)
    doc.db_set({"imported_rows": int(doc.imported_rows or 0) + outcomes[IMPORTED],
                "skipped_rows": int(doc.skipped_rows or 0) + outcomes[SKIPPED],
                "failed_rows": int(doc.failed_rows or 0) + outcomes[FAILED],
                "processed_rows": max(int(doc.processed_rows or 0), processed)})  # modified: its heartbeat


def _finish(name: str) -> None:
    with unit_of_work():
        doc = get_doc("Data Import", name)
        failed, done = int(doc.failed_rows or 0), int(doc.imported_rows or 0) + int(doc.skipped_rows or 0)
        status = "Success" if not failed else "Partial Success" if done else "Error"
        doc.db_set("status", status)


def _attempt(plan: Plan, record: Record, import_type: str, key: str, reader: CellReader,
             look_first: bool = True) -> tuple[str, str]:
    try:
        import_record(plan, record, import_type, key, reader, look_first)
        return IMPORTED, ""
    except Skip as skip:  # raised before anything is written
        return SKIPPED, str(skip)


def _isolated(plan: Plan, record: Record, import_type: str, key: str, reader: CellReader) -> tuple[str, str]:
    try:
        with savepoint():
            return _attempt(plan, record, import_type, key, reader)
    except Exception as exc:  # any failure of one record (a hook's own error too) is that row's
        return FAILED, str(exc) or type(exc).__name__


def _import_batch(plan: Plan, batch: list[Record], import_type: str, key: str, reader: CellReader
                  ) -> list[tuple[str, str]]:
    """Each record's (outcome, message). A chunk runs in one savepoint, inserting without first looking for
    the record (a duplicate fails on its unique index); only a chunk in which a record fails runs again, a
    record (and a savepoint) at a time and looking first: a clean file pays two statements a chunk, not a row."""
    results: list[tuple[str, str]] = []
    for start in range(0, len(batch), CHUNK):
        chunk = batch[start:start + CHUNK]
        try:
            with savepoint():
                results += [_attempt(plan, record, import_type, key, reader, look_first=False) for record in chunk]
        except Exception:
            results += [_isolated(plan, record, import_type, key, reader) for record in chunk]
    return results


@opens_units
def run_import(data_import: str, progress: Progress | None = None) -> None:
    """The Data Import `data_import`, run as the current user; `progress(done, total)` after each batch."""
    plan, todo, key, import_type = _start(data_import)
    reader = CellReader()
    index = {id(r): i for i, r in enumerate(plan.records)}
    done = 0
    try:
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            with unit_of_work():
                outcomes = {IMPORTED: 0, SKIPPED: 0, FAILED: 0}
                results = _import_batch(plan, batch, import_type, key, reader)
                for record, (outcome, message) in zip(batch, results, strict=True):
                    outcomes[outcome] += 1
                    if outcome != IMPORTED:
                        _log(data_import, record, outcome, message)
                _count(data_import, outcomes, index[id(batch[-1])] + 1)
            done += len(batch)
            if progress is not None:
                progress(done, len(todo))
    finally:
        _finish(data_import)
