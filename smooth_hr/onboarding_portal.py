"""What the new hire does on /onboarding: see their checklist, tick their tasks, upload documents, sign policies.

Everything starts from the logged-in user's Employee (`user_id`): an onboarding of another employee, or an
activity of another onboarding, is "not found", the same answer as for a name that does not exist. The
new hire has no desk rights on Employee Onboarding or Employee Document; this module checks ownership
itself and then writes with `ignore_permissions`, through the documents' controllers (so their rules hold).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_hr import onboarding as enrolment
from smooth_hr import policy_acknowledgment as policies
from smooth_hr.doctype.employee_boarding_activity.employee_boarding_activity import POLICY, TASK, UPLOAD
from smooth_hr.doctype.employee_document_type.employee_document_type import file_types
from smooth_hr.document_title import fitted_title
from smooth_lms.timezones import to_utc, to_wall
from smooth_lms.training_assignments import assignment_rows

EMPLOYEE_FIELDS = ["name", "employee_name", "first_name", "department", "designation", "date_of_joining"]


def my_employee(user: str) -> dict[str, Any]:
    if user == "Guest":
        raise smooth.PermissionError(_("Log in to see your onboarding"))
    rows = smooth.get_all("Employee", filters={"user_id": user}, fields=EMPLOYEE_FIELDS, limit_page_length=1)
    if not rows:
        raise smooth.DoesNotExistError(_("No employee record is linked to your login: ask HR to link your User to "
                                         "your Employee"))
    return rows[0]


def my_onboarding(user: str, name: str | None = None, for_update: bool = False) -> Document:
    """The user's onboarding `name` (404 when it is not theirs), or their current one (the newest open one).

    A post locks it (`for_update`), so two tabs signing the same policy take turns and the second is told
    it is already signed, instead of filing a second PDF."""
    employee = my_employee(user)
    if name:
        row = smooth.db.get_value(enrolment.ONBOARDING, name, ["employee", "docstatus"], as_dict=True)
        if not row or row["employee"] != employee["name"] or int(row["docstatus"] or 0) != 1:
            raise smooth.DoesNotExistError(_("Onboarding {0} not found", name))
    else:
        rows = smooth.get_all(enrolment.ONBOARDING, filters={"employee": employee["name"], "docstatus": 1},
                              fields=["name", "boarding_status"], order_by="creation desc")
        if not rows:
            raise smooth.DoesNotExistError(_("You have no onboarding yet: HR starts it before your first day"))
        name = next((r["name"] for r in rows if r["boarding_status"] != enrolment.COMPLETED), rows[0]["name"])
    return smooth.get_doc(enrolment.ONBOARDING, name, for_update=for_update)


def activity(doc: Document, row_name: str | None) -> Any:
    for row in doc.activities or []:
        if row.name == row_name:
            return row
    raise smooth.DoesNotExistError(_("Activity {0} not found in onboarding {1}", row_name, doc.name))


def can_tick(row: Any, user: str) -> bool:
    """A Task is the new hire's to tick when it is assigned to nobody else."""
    return row.kind == TASK and not int(row.completed or 0) and (not row.user or row.user == user)


def accepted_types(document_type: str) -> list[str]:
    """Extensions an upload may have: the document type's list, within what the site accepts at all."""
    site = smooth.allowed_file_extensions()
    wanted = file_types(smooth.db.get_value("Employee Document Type", document_type, "allowed_file_types"))
    return sorted(ext for ext in wanted if ext in site) if wanted else sorted(site)


def _finish(doc: Document, row: Any, **values: Any) -> None:
    row.update({"completed": 1, **values})
    doc.flags.ignore_permissions = True
    doc.save(ignore_permissions=True)


def tick_task(doc: Document, row: Any, user: str) -> None:
    if row.kind != TASK:
        raise smooth.ValidationError(_("{0} is not a task to tick off", row.activity_name))
    if int(row.completed or 0):
        raise smooth.ValidationError(_("{0} is already done", row.activity_name))
    if not can_tick(row, user):
        raise smooth.PermissionError(_("{0} is for {1} to do", row.activity_name, row.user))
    _finish(doc, row)


def _store(file_name: str, content: bytes, employee: dict[str, Any], document_type: str, title: str,
           onboarding: str, supersedes: str | None, notes: str | None = None) -> str:
    """A private File with `content`, filed as an Employee Document (the File attached to it): its name."""
    stored = smooth.new_doc("File", file_name=file_name, is_private=1)
    stored.content = content
    stored.insert(ignore_permissions=True)
    filed = smooth.get_doc({
        "doctype": "Employee Document", "employee": employee["name"], "document_type": document_type,
        "title": fitted_title(title), "file": stored.file_url, "issue_date": smooth.today(), "notes": notes,
        "reference_doctype": enrolment.ONBOARDING, "reference_name": onboarding, "supersedes": supersedes,
    }).insert(ignore_permissions=True)
    stored.update({"attached_to_doctype": "Employee Document", "attached_to_name": filed.name,
                   "attached_to_field": "file"})
    stored.save(ignore_permissions=True)
    return filed.name


def upload_document(doc: Document, row: Any, upload: Any, employee: dict[str, Any]) -> str:
    """File the uploaded file as a private Employee Document of the activity's type; an upload again
    supersedes the earlier one (history kept)."""
    if row.kind != UPLOAD:
        raise smooth.ValidationError(_("{0} asks for no upload", row.activity_name))
    file_name = str(getattr(upload, "filename", "") or "")
    if not file_name or not hasattr(upload, "file"):
        raise smooth.ValidationError(_("Choose a file to upload"))
    accepted = accepted_types(row.document_type)
    ext = smooth.file_extension(file_name)
    if ext not in accepted:
        raise smooth.ValidationError(_("{0} accepts {1} files, not {2} ({3})", row.document_type, ", ".join(accepted),
                                       "." + ext if ext else _("a file without an extension"), file_name))
    upload.file.seek(0)
    content = upload.file.read(smooth.max_file_size() + 1)
    if not content:
        raise smooth.ValidationError(_("{0} is empty", file_name))
    name = _store(file_name, content, employee, row.document_type, f"{row.activity_name}: {employee['employee_name']}",
                  doc.name, row.employee_document or None)
    _finish(doc, row, employee_document=name)
    return name


def sign_policy(doc: Document, row: Any, employee: dict[str, Any], typed: str, agreed: bool, ip: str) -> str:
    """Record the typed-name signature and file the acknowledgment PDF: the Employee Document's name."""
    if row.kind != POLICY:
        raise smooth.ValidationError(_("{0} is not a policy to sign", row.activity_name))
    policies.check_signature(row, employee["employee_name"], typed, agreed)
    signature = policies.sign(row, employee["employee_name"], typed, ip)
    content = policies.render_pdf(doc, row, signature)
    safe = "".join(ch if ch.isalnum() else "-" for ch in row.activity_name).strip("-")[:60] or "policy"
    name = _store(f"{safe}-acknowledgment.pdf", content, employee, policies.ensure_document_type(),
                  f"{row.activity_name}: {employee['employee_name']}", doc.name, None,
                  notes=(f"Signed “{signature.signed_name}” on {signature.signed_on} from {signature.signed_ip}; "
                         f"SHA-256 of {signature.hashed}: {signature.policy_hash}"))
    _finish(doc, row, employee_document=name, signed_name=signature.signed_name, signed_on=signature.signed_on,
            signed_ip=signature.signed_ip, policy_hash=signature.policy_hash)
    return name


def stored_file(document: str) -> tuple[str, bytes]:
    """An Employee Document's file name and bytes (the caller has checked it is the viewer's)."""
    url = smooth.db.get_value("Employee Document", document, "file")
    files = smooth.get_all("File", filters={"file_url": url}, pluck="name", limit_page_length=1)
    if not files:
        raise smooth.DoesNotExistError(_("The file of {0} is not stored on this site", document))
    record = smooth.get_doc("File", files[0])
    return record.file_name or "document", record.get_content()


def policy_file(row: Any) -> tuple[str, bytes]:
    content, _type = policies.policy_bytes(row)
    return str(row.policy_file).rsplit("/", 1)[-1], content


def _when(value: Any, user: str) -> str:
    """A recorded time (system zone) as the new hire reads it: in their own zone, the zone named."""
    if not value:
        return ""
    system = smooth.local.site.time_zone
    viewer = smooth.db.get_value("User", user, "time_zone") or system
    recorded = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    shown = to_wall(to_utc(recorded.date(), recorded.time(), system), viewer)
    return f"{shown:%Y-%m-%d %H:%M} ({viewer})"


def checklist(doc: Document, user: str) -> list[dict[str, Any]]:
    """The activities as the portal lists them: what each is, whether it is done, what the new hire can do."""
    rows = []
    for row in doc.activities or []:
        done = bool(int(row.completed or 0))
        mine = row.kind != TASK or not row.user or row.user == user
        rows.append({"name": row.name, "activity_name": row.activity_name, "kind": row.kind, "done": done,
                     "description": row.description, "completed_on": _when(row.completed_on, user),
                     "assignee": None if mine else row.user, "can_tick": can_tick(row, user),
                     "has_page": row.kind in (UPLOAD, POLICY), "employee_document": row.employee_document})
    return rows


def training(user: str) -> list[dict[str, Any]]:
    """The user's training assignments, open ones first by due date."""
    rows = assignment_rows({"member": user})
    order = {"Overdue": 0, "Open": 1, "Completed": 2}
    return sorted(rows, key=lambda r: (order.get(r["status"], 3), str(r["due_date"])))
