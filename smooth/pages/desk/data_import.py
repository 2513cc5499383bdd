"""`/app/data-import/new` and `/app/data-import/<name>`: the Data Import form (Frappe's doctype page).

New: choose the doctype, the kind of import and the file (the template for a doctype is a
download here). An import: its column mapping (each file column to a field, adjustable), a
preview of its first records with every bad cell marked, Start, a progress bar the page polls
while the job runs (`/progress`, htmx), then the failures with their row numbers and the failed
rows as a file to fix and import again. The work is the Data Import doctype's own
(`smooth.core.doctype.data_import`); this module only draws it and reads the posted form.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.responses import Response

from smooth.api.files import upload_file
from smooth.api.request import ApiRequest
from smooth.context import db, local
from smooth.core.doctype.data_import import data_import as importer
from smooth.core.doctype.data_import.plan import INSERT, UPDATE, UPSERT, doctype_columns, load_plan
from smooth.core.doctype.data_import.preview import preview
from smooth.exceptions import PermissionError, SmoothError, ValidationError
from smooth.messages import _
from smooth.model.records import get_doc
from smooth.pages.desk.access import require_desk_user
from smooth.pages.rendering import Redirect, render_page
from smooth.permissions import has_permission

URL = "/app/data-import"
METHOD = "/api/method/smooth.core.doctype.data_import.data_import"
TYPES = (INSERT, UPDATE, UPSERT)
FAILURES_SHOWN = 100
STATUS_COLOR = {"Pending": "orange", "Running": "blue", "Success": "green", "Partial Success": "orange",
                "Error": "red"}


def _importable_doctypes() -> list[str]:
    return sorted(m.name for m in local().site.registry if not m.istable and not m.issingle
                  and (has_permission(m.name, "create") or has_permission(m.name, "write")))


def new_import(api: ApiRequest) -> Response:
    require_desk_user(api)
    if not has_permission("Data Import", "create"):
        raise PermissionError(_("Not permitted: you may not create a Data Import"))
    error = ""
    if api.method == "POST":
        try:
            upload = api.form.get("import_file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise ValidationError(_("Choose the CSV or XLSX file to import"))
            stored = upload_file(file=upload)
            doc = get_doc({"doctype": "Data Import", "reference_doctype": str(api.form.get("reference_doctype") or ""),
                           "import_type": str(api.form.get("import_type") or INSERT),
                           "update_key": str(api.form.get("update_key") or "name"),
                           "import_file": stored["file_url"]}).insert()
            raise Redirect(f"{URL}/{quote(str(doc.name))}")
        except SmoothError as exc:
            db().rollback()
            error = exc.message or type(exc).__name__
    return render_page(api, "desk/data_import_new.html", {
        "url": URL, "method": METHOD, "doctypes": _importable_doctypes(), "types": TYPES, "error": error,
        "posted": api.form if error else {}}, status=417 if error else 200)


def _counters(doc: Any) -> dict[str, Any]:
    total = int(doc.total_rows or 0)
    done = int(doc.imported_rows or 0) + int(doc.skipped_rows or 0) + int(doc.failed_rows or 0)
    return {"status": doc.status, "color": STATUS_COLOR.get(doc.status, "gray"), "total": total,
            "processed": int(doc.processed_rows or 0), "imported": int(doc.imported_rows or 0),
            "skipped": int(doc.skipped_rows or 0), "failed": int(doc.failed_rows or 0),
            "percent": int(100 * min(done, total) / total) if total else 0}


def _post(api: ApiRequest, doc: Any) -> str:
    """Carry out the posted action; the notice to show after the redirect."""
    action = api.form.get("action")
    if action == "start":
        importer.start_import(doc.name)
        return "started"
    if action == "save":
        doc.check_permission("write")
        mapping = {key.removeprefix("map:"): str(value or "") for key, value in api.form.items()
                   if key.startswith("map:")}
        doc.import_type = str(api.form.get("import_type") or doc.import_type)
        doc.update_key = str(api.form.get("update_key") or "name")
        doc.column_mapping = json.dumps(mapping)
        doc.save()
        return "saved"
    raise ValidationError(_("Unknown Data Import action {0!r}", action))


def show_import(api: ApiRequest, name: str) -> Response:
    require_desk_user(api)
    doc = get_doc("Data Import", name)
    doc.check_permission("read")
    error = ""
    if api.method == "POST":
        try:
            raise Redirect(f"{URL}/{quote(name)}?done={_post(api, doc)}")
        except SmoothError as exc:
            db().rollback()
            doc = get_doc("Data Import", name)
            error = exc.message or type(exc).__name__
    shown, plan_error, choices = None, "", []
    try:
        plan = load_plan(doc)
        shown = preview(plan, doc.import_type)
        choices = [(c.target, c.header) for c in doctype_columns(plan.meta).values()]
    except SmoothError as exc:
        plan_error = exc.message or type(exc).__name__
    mapping = json.loads(doc.column_mapping) if doc.column_mapping else {}
    failures = importer.failed_logs(doc.name)
    done = str(api.form.get("done") or "")
    notice = "Saved" if done == "saved" else "Import started" if done == "started" and doc.status in (
        "Pending", "Running") else ""
    return render_page(api, "desk/data_import.html", {
        "url": f"{URL}/{quote(name)}", "list_url": URL, "method": METHOD, "doc": doc, "counters": _counters(doc),
        "preview": shown, "plan_error": plan_error, "choices": choices, "mapping": mapping, "types": TYPES,
        "failures": failures[:FAILURES_SHOWN], "failure_count": len(failures), "error": error, "notice": notice,
        "can_write": has_permission("Data Import", "write", doc=doc),
        "file_name": str(doc.import_file or "").rsplit("/", 1)[-1]}, status=417 if error else 200)


def show_progress(api: ApiRequest, name: str) -> Response:
    """The progress bar alone, which the page polls while the import runs; once it ends, the page reloads."""
    require_desk_user(api)
    doc = get_doc("Data Import", name)
    doc.check_permission("read")
    response = render_page(api, "desk/_data_import_progress.html", {
        "url": f"{URL}/{quote(name)}", "counters": _counters(doc)})
    if doc.status not in ("Pending", "Running"):
        response.headers["HX-Refresh"] = "true"
    return response
