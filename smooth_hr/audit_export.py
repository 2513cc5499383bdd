"""Audit export: one employee's or one compliance type's Employee Compliance records as a ZIP for an auditor.

The ZIP holds `compliance.csv` (employee, compliance type, status, completion, renewal,
evidence document, the evidence file's path inside the ZIP, and the reason HR gave when a record
of another course completed it), the evidence files
themselves under `evidence/<Employee Document>/`, for one employee their transcript and SCORM attempts
(`scorm_results.csv`), `access_log.csv` (who opened, printed, downloaded
or exported those records, their employees and evidence: the Access Log, for an exporter who may
read it) and `README.txt` stamped with who exported it and when. The export is itself an Access
Log entry. It needs the `export` right on Employee Compliance (Frappe's right for
the report's CSV) and read on Employee Document; the rows are those the user may read.

Nothing is held in memory whole: rows are read a page at a time (keyset paging by name),
the CSV is written straight into the ZIP, evidence files are copied into it in chunks, and
the ZIP is a temporary file sent in chunks and removed once sent (`smooth.FileDownload`).
Cells a spreadsheet would run as a formula are prefixed with a quote, as in the desk
report's CSV.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import smooth
from smooth import _
from smooth_hr import transcript_print, watch_evidence
from smooth_hr.transcript import get_transcript

DOCTYPE = "Employee Compliance"
EXPORT_METHOD = "smooth_hr.audit_export.download_audit_export"
PAGE = 500
COLUMNS = ("Employee", "Employee Name", "Department", "Compliance Type", "Status", "Completion Date",
           "Renewal Date", "Evidence Document", "File Name", "Completed From Another Course: Reason")
FIELDS = ["name", "employee", "employee_name", "department", "compliance_type", "status", "completion_date",
          "renewal_date", "evidence", "override_reason"]
ACCESS_LOG = "Access Log"
ACCESS_COLUMNS = ("Timestamp", "User", "Action", "Document Type", "Document", "IP Address", "User Agent")
ACCESS_FIELDS = ["timestamp", "user", "method", "export_from", "reference_document", "ip_address", "user_agent"]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def cell(value: Any) -> str:
    """A CSV cell: dates as ISO text, None as empty, a would-be formula prefixed with a quote."""
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return smooth.escape_csv_formula(text)


def _scope(employee: str | None, compliance_type: str | None) -> tuple[dict[str, Any], str, str]:
    """The filters, the README's description and the file name's part for what is exported."""
    if bool(employee) == bool(compliance_type):
        raise smooth.ValidationError(_("Choose an employee or a compliance type to export (one of the two)"))
    if employee:
        employee = _employee_named(employee)
        name = smooth.db.get_value("Employee", employee, "employee_name") or employee
        return {"employee": employee}, f"Employee {employee} ({name})", employee
    if not smooth.db.exists("Compliance Type", compliance_type):
        raise smooth.DoesNotExistError(_("Compliance Type {0} not found", compliance_type))
    return {"compliance_type": compliance_type}, f"Compliance Type {compliance_type}", str(compliance_type)


def _employee_named(typed: str) -> str:
    """The Employee `typed` names: its ID, else the one employee of that full name (people type names)."""
    if smooth.db.exists("Employee", typed):
        return typed
    named = smooth.get_list("Employee", filters={"employee_name": typed}, pluck="name", limit_page_length=2)
    if len(named) == 1:
        return str(named[0])
    if named:
        raise smooth.ValidationError(_("More than one employee is named {0}: choose one from the list by ID", typed))
    raise smooth.DoesNotExistError(_("No employee has the ID or the name {0}: choose one from the list", repr(typed)))


def _rows(filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The readable rows in name order, a page at a time (keyset paging: no OFFSET scan)."""
    last = ""
    while True:
        page = smooth.get_list(DOCTYPE, fields=FIELDS, filters=[*([k, "=", v] for k, v in filters.items()),
                                                                ["name", ">", last]],
                               order_by="name asc", limit_page_length=PAGE)
        yield from page
        if len(page) < PAGE:
            return
        last = page[-1]["name"]


def _evidence(names: list[str]) -> dict[str, dict[str, Any]]:
    if not names:
        return {}
    rows = smooth.get_list("Employee Document", fields=["name", "file", "title"], filters={"name": ["in", names]},
                           order_by="")
    return {row["name"]: row for row in rows}


def _member_name(document: str, file_url: str) -> str:
    stored = _UNSAFE.sub("_", file_url.rsplit("/", 1)[-1]).strip("._") or "file"
    return f"evidence/{_UNSAFE.sub('_', document)}/{stored}"


def _pages(filters: dict[str, Any]) -> Iterator[tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]]:
    batch: list[dict[str, Any]] = []
    for row in _rows(filters):
        batch.append(row)
        if len(batch) == PAGE:
            yield batch, _evidence(sorted({r["evidence"] for r in batch if r["evidence"]}))
            batch = []
    if batch:
        yield batch, _evidence(sorted({r["evidence"] for r in batch if r["evidence"]}))


def write_zip(target: Any, filters: dict[str, Any], description: str,
              extra: dict[str, str] | None = None) -> tuple[int, int]:
    """Write the export into `target` (a path or binary file), with `extra` members ({path: text});
    (rows, evidence files) written."""
    rows = files = 0
    named: dict[str, set[str]] = {DOCTYPE: set(), "Employee": set(), "Employee Document": set()}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("compliance.csv", "w") as raw, \
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            writer = csv.writer(text)
            writer.writerow(COLUMNS)
            for batch, documents in _pages(filters):
                for row in batch:
                    document = documents.get(row["evidence"] or "")
                    file_url = (document or {}).get("file") or ""
                    stored = smooth.read_file(file_url) is not None if file_url else False
                    member = _member_name(row["evidence"], file_url) if stored else ""
                    writer.writerow([cell(row[f]) for f in FIELDS[1:-1]] + [cell(member), cell(row["override_reason"])])
                    rows += 1
                    named[DOCTYPE].add(row["name"])
                    named["Employee"].add(row["employee"])
                    if row["evidence"]:
                        named["Employee Document"].add(row["evidence"])
        written: set[str] = set()  # a document that is evidence of several rows goes in once
        for batch, documents in _pages(filters):
            for row in batch:
                document = documents.get(row["evidence"] or "")
                content = smooth.read_file((document or {}).get("file"))
                if document is None or content is None:
                    continue
                member = _member_name(document["name"], document["file"])
                if member not in written:
                    archive.writestr(member, content)
                    written.add(member)
                    files += 1
        for extra_member, extra_text in (extra or {}).items():
            archive.writestr(extra_member, extra_text)
        if smooth.has_permission(ACCESS_LOG, "read"):
            with archive.open("access_log.csv", "w") as raw, \
                    io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
                _write_access_log(csv.writer(text), named)
        archive.writestr("README.txt", _readme(description, rows, files, sorted(extra or ())))
    return rows, files


EXTRA_NOTES = {"transcript.html": "transcript.html is the employee's training transcript as of the export's day "
                                   "(open it in a browser).\n", watch_evidence.MEMBER: watch_evidence.NOTE,
               "scorm_results.csv": "scorm_results.csv lists the employee's SCORM attempts: the package's completion "
                                    "and success status, score and time spent, per lesson and attempt.\n"}
SCORM_COLUMNS = ("Course", "Lesson", "Attempt", "SCORM Version", "Completion Status", "Success Status", "Score",
                 "Scaled Score", "Completed", "Completed On", "Total Time", "Started", "Last Saved")
SCORM_FIELDS = ["course", "lesson", "attempt", "scorm_version", "completion_status", "success_status", "score_raw",
                "score_scaled", "completed", "completed_on", "total_time", "creation", "modified"]


def _write_access_log(writer: Any, named: dict[str, set[str]]) -> None:
    writer.writerow(ACCESS_COLUMNS)
    for doctype, names in named.items():
        ordered = sorted(names)
        for start in range(0, len(ordered), PAGE):
            for entry in smooth.get_all(ACCESS_LOG, fields=ACCESS_FIELDS, order_by="timestamp asc",
                                        filters={"export_from": doctype,
                                                 "reference_document": ["in", ordered[start:start + PAGE]]}):
                writer.writerow([cell(entry[f]) for f in ACCESS_FIELDS])


def _readme(description: str, rows: int, files: int, extra: list[str]) -> str:
    user = smooth.session.user
    full_name = smooth.db.get_value("User", user, "full_name") or user
    now = smooth.now_datetime().isoformat(sep=" ", timespec="seconds")
    return (f"Audit export of Employee Compliance: {description}\n"
            f"Exported by: {full_name} <{user}>\n"
            f"Exported at: {now} ({smooth.local.site.time_zone})\n"
            f"Records: {rows}\nEvidence files: {files}\n\n"
            "compliance.csv lists the records; its File Name column is the evidence file's path in this archive "
            "(empty when the record has no evidence on file). access_log.csv (for an exporter who may read the "
            "Access Log) lists who opened, printed, downloaded or exported these records.\n"
            + "".join(EXTRA_NOTES.get(member, "") for member in extra))


@smooth.whitelist(methods=("GET", "POST"))
def download_audit_export(employee: str | None = None, compliance_type: str | None = None) -> smooth.FileDownload:
    """The ZIP for one employee or one compliance type (export right on Employee Compliance needed)."""
    user = smooth.session.user
    if not smooth.has_permission(DOCTYPE, "export"):
        raise smooth.PermissionError(_("Not permitted: {0} may not export {1}", user, _(DOCTYPE)))
    if not smooth.has_permission("Employee Document", "read"):
        raise smooth.PermissionError(_("Not permitted: {0} may not read Employee Document, the evidence files", user))
    filters, description, part = _scope(employee or None, compliance_type or None)
    handle = tempfile.NamedTemporaryFile(prefix="audit-export-", suffix=".zip", delete=False)
    try:
        with handle:
            write_zip(handle, filters, description,
                      {**_transcript(filters.get("employee")), **watch_evidence.members(filters),
                       **_scorm_results(filters.get("employee"))})
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    smooth.make_access_log(DOCTYPE, description, "Export")
    stamp = smooth.now_datetime().strftime("%Y%m%d-%H%M%S")
    return smooth.FileDownload(Path(handle.name), f"audit-{_UNSAFE.sub('_', part)}-{stamp}.zip", "application/zip",
                               remove_after=True)


def _transcript(employee: str | None) -> dict[str, str]:
    """An employee's export carries their training transcript: the auditor's question is rarely one record."""
    if not employee:
        return {}
    return {"transcript.html": transcript_print.render(get_transcript(employee), as_pdf=False)}


def _scorm_results(employee: str | None) -> dict[str, str]:
    """An employee's export carries their SCORM attempts as a CSV (none without a user or attempts)."""
    user = smooth.db.get_value("Employee", employee, "user_id") if employee else None
    rows = smooth.get_all("LMS SCORM Attempt", fields=SCORM_FIELDS, filters={"member": user},
                          order_by="creation asc") if user else []
    if not rows:
        return {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SCORM_COLUMNS)
    writer.writerows([cell(row[f]) for f in SCORM_FIELDS] for row in rows)
    return {"scorm_results.csv": out.getvalue()}


PAGE_URL = "/app/compliance-dashboard"


def export_url(**scope: str) -> str:
    """The download through the dashboard page: a refusal comes back as its form with the message."""
    return f"{PAGE_URL}?{urlencode({'export': 1, **scope})}#hr-export"


@smooth.whitelist(methods=("POST",))
def employee_audit_export(name: str) -> dict[str, str]:
    """The Employee form's "Audit export" button: to the download of that employee's ZIP (via the dashboard)."""
    return {"redirect_to": export_url(employee=name)}


@smooth.whitelist(methods=("POST",))
def compliance_type_audit_export(name: str) -> dict[str, str]:
    """The Compliance Type form's "Audit export" button: to the download of that type's ZIP."""
    return {"redirect_to": export_url(compliance_type=name)}
