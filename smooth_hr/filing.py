"""File to Employee Document: an LMS certificate or quiz result put on the employee's file in one step.

Course results do not reach HR by themselves (the product guide is firm): HR files them. Filing
renders the record's PDF through its print format (the renderer behind the desk's PDF download),
stores it as a private File attached to a new Employee Document of the member's Employee, and
can mark the matching Employee Compliance complete with that document as evidence. A record completes
only the Compliance Type of its own course, unless HR gives a reason (kept on the row, in the audit
export). Filing says what it did: the document, the compliance row and its renewal date, each linked.

Filing is idempotent per LMS record and employee: `reference_key` (doctype|name|employee) has a
unique index. Filings for one employee take turns on the Employee's row lock, so a second click
(or a colleague filing at the same moment) finds the first document instead of making another;
should anything slip past the lock, the unique index refuses the duplicate and the caller gets
the document that won. A re-certification's document supersedes the one of the certificate it
replaced, so the file keeps its history.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Any

import smooth
from smooth import _
from smooth.exceptions import DuplicateEntryError
from smooth_hr.compliance_status import COMPLETE
from smooth_hr.document_title import fitted_title
from smooth_lms.certificates import REVOKED, SUPERSEDED, state

HR_ROLES = ("HR Manager", "HR User")
CERTIFICATE, QUIZ_SUBMISSION = "LMS Certificate", "LMS Quiz Submission"
MAX_CHAIN = 50  # re-certifications followed back to find the last filed certificate


@dataclass(frozen=True)
class Source:
    """What one LMS record puts on file."""

    doctype: str
    name: str
    member: str
    holder: str
    course: str | None
    issue_date: dt.date
    expiry_date: dt.date | None
    title: str
    file_name: str
    passed: bool
    supersedes: str | None = None  # the older certificate this one re-certifies


def reference_key(doctype: str, name: str, employee: str) -> str:
    return f"{doctype}|{name}|{employee}"


def _require_hr() -> None:
    if not set(HR_ROLES) & set(smooth.get_roles()):
        raise smooth.PermissionError(_("Only HR Managers and HR Users can file records to an employee's documents"))


def _check(value: Any, label: str) -> bool:
    """A Check argument: 1/0/true/false (a ticked box sends 1, an empty one 0 or nothing)."""
    if value in (None, "", False, 0) or str(value).strip().lower() in ("0", "false"):
        return False
    if value is True or value == 1 or str(value).strip().lower() in ("1", "true"):
        return True
    raise smooth.ValidationError(_("{0} must be 1 or 0, not {1}", label, repr(value)))


def certificate_source(cert: Any) -> Source:
    verdict = state(cert)
    if verdict == REVOKED:
        raise smooth.ValidationError(_("Certificate {0} is revoked: a revoked certificate is not filed", cert.name))
    if verdict == SUPERSEDED:
        raise smooth.ValidationError(_("Certificate {0} was superseded by {1}: file {1} instead", cert.name,
                                       cert.superseded_by))
    course = cert.course_title or cert.course
    return Source(CERTIFICATE, cert.name, cert.member, cert.member_name or cert.member, cert.course,
                  smooth.getdate(cert.issue_date), smooth.getdate(cert.expiry_date) if cert.expiry_date else None,
                  f"{course} certificate {cert.certificate_number or cert.name}",
                  f"{cert.certificate_number or cert.name}.pdf", True, cert.supersedes or None)


def quiz_submission_source(submission: Any) -> Source:
    passed = bool(int(submission.passed or 0))
    quiz = submission.quiz_title or submission.quiz
    result = f"{float(submission.percentage or 0):g}% ({'passed' if passed else 'not passed'})"
    return Source(QUIZ_SUBMISSION, submission.name, submission.member, submission.member_name or submission.member,
                  submission.course, smooth.getdate(submission.creation), None,
                  f"{quiz} quiz result {result}, attempt {submission.attempt or 1}",
                  f"Quiz result {quiz} attempt {submission.attempt or 1}.pdf", passed)


SOURCES = {CERTIFICATE: certificate_source, QUIZ_SUBMISSION: quiz_submission_source}


def employee_of(source: Source) -> str:
    """The Employee whose User ID is the record's member; a clear error naming the fix when there is none."""
    employee = smooth.db.get_value("Employee", {"user_id": source.member}, "name")
    if not employee:
        raise smooth.ValidationError(
            _("{0} ({1}) has no Employee record: set User ID to {1} on their Employee (or create the Employee), "
              "then file {2} {3} again", source.holder, source.member, source.doctype, source.name))
    return employee


def render_pdf(doc: Any) -> bytes:
    """The record's PDF through its print format: the same renderer as the desk's PDF download."""
    return smooth.get_print(doc=doc, as_pdf=True)


def _compliance_type(compliance_type: str | None, mark_complete: bool, source: Source) -> str | None:
    """The Compliance Type to complete: the one chosen, else the only one linked to the record's course."""
    if not mark_complete:
        if compliance_type:
            raise smooth.ValidationError(_("Tick Mark compliance complete to complete {0}, or leave "
                                           "Compliance Type empty", compliance_type))
        return None
    if compliance_type:
        if not smooth.db.exists("Compliance Type", compliance_type):
            raise smooth.DoesNotExistError(_("Compliance Type {0} not found", compliance_type))
        return compliance_type
    linked = smooth.get_all("Compliance Type", filters={"course": source.course}, pluck="name") if source.course \
        else []
    if len(linked) != 1:
        found = f"{len(linked)} are linked to course {source.course}" if linked else "none is linked to its course"
        raise smooth.ValidationError(_("Choose the Compliance Type to mark complete ({0})", found))
    return str(linked[0])


def _override(kind: str, source: Source, reason: str | None) -> str | None:
    """The reason kept on the row when `kind` is not the compliance of the record's course; refused without one.

    A record proves its own course: completing another course's compliance with it is HR's explicit call,
    recorded where an auditor sees it (the row and the audit export).
    """
    course = smooth.db.get_value("Compliance Type", kind, "course")
    if course and course == source.course:
        return None
    if not (reason or "").strip():
        wanted = f"course {course}" if course else "no course"
        raise smooth.ValidationError(
            _("{0} is completed by {1}, and {2} is for course {3}: choose the Compliance Type of that course, "
              "or give the reason to complete {0} with it anyway", kind, wanted, source.title,
              source.course or _("(none)")))
    return str(reason).strip()


def _document_type(document_type: str | None, compliance_type: str | None) -> str:
    chosen = document_type or (smooth.db.get_value("Compliance Type", compliance_type, "document_type")
                               if compliance_type else None)
    if not chosen:
        raise smooth.ValidationError(_("Choose the Document Type to file this record under"))
    if not smooth.db.exists("Employee Document Type", chosen):
        raise smooth.DoesNotExistError(_("Employee Document Type {0} not found", chosen))
    return str(chosen)


def _previous_document(source: Source, employee: str) -> str | None:
    """The current document filed for the certificate this one re-certifies (following the chain back)."""
    older = source.supersedes
    for _step in range(MAX_CHAIN):
        if not older:
            return None
        found = smooth.db.get_value("Employee Document", {"reference_key": reference_key(CERTIFICATE, older, employee)},
                                    ["name", "superseded_by"], as_dict=True)
        if found:
            return None if found["superseded_by"] else str(found["name"])
        older = smooth.db.get_value(CERTIFICATE, older, "supersedes")
    return None


def _file_document(doc: Any, source: Source, employee: str, document_type: str) -> tuple[str, bool]:
    key = reference_key(source.doctype, source.name, employee)
    stored = smooth.get_doc({"doctype": "File", "file_name": source.file_name, "is_private": 1})
    stored.content = render_pdf(doc)
    stored.insert(ignore_permissions=True)  # its rights are the Employee Document's (checked on insert below)
    filed = smooth.get_doc({
        "doctype": "Employee Document", "employee": employee, "document_type": document_type,
        "title": fitted_title(source.title),
        "file": stored.file_url, "issue_date": source.issue_date, "expiry_date": source.expiry_date,
        "reference_doctype": source.doctype, "reference_name": source.name, "reference_key": key,
        "supersedes": _previous_document(source, employee)})
    try:
        filed.insert()
    except DuplicateEntryError:
        winner = smooth.db.get_value("Employee Document", {"reference_key": key}, "name")
        if not winner:
            raise
        smooth.delete_doc("File", stored.name, ignore_permissions=True)
        return str(winner), False
    stored.attached_to_doctype, stored.attached_to_name, stored.attached_to_field = "Employee Document", filed.name, \
        "file"
    stored.save(ignore_permissions=True)
    return filed.name, True


def _mark_complete(employee: str, compliance_type: str, source: Source, evidence: str, reason: str | None
                   ) -> tuple[Any, bool]:
    """Employee Compliance of `compliance_type` Complete on the record's date with `evidence` (created if
    missing): the row and whether it changed (newer evidence already on the row is kept)."""
    name = smooth.db.get_value("Employee Compliance", {"employee": employee, "compliance_type": compliance_type},
                               "name")
    row = smooth.get_doc("Employee Compliance", name) if name else smooth.new_doc(
        "Employee Compliance", employee=employee, compliance_type=compliance_type)
    if row.completion_date and smooth.getdate(row.completion_date) > source.issue_date:
        return row, False
    row.status, row.completion_date, row.evidence, row.override_reason = COMPLETE, source.issue_date, evidence, \
        reason
    if name:
        row.save()
    else:
        row.insert()
    return row, True


def _confirm(filed: str, created: bool, employee: str, row: Any | None, changed: bool) -> None:
    """Say what the filing did, each record linked: the document, the compliance row and its renewal."""
    who = html.escape(str(smooth.db.get_value("Employee", employee, "employee_name") or employee))
    document = smooth.get_link_to_form("Employee Document", filed)
    smooth.msgprint(_("Filed {0} on {1}'s file", document, who) if created else
                    _("{0} was already on {1}'s file", document, who))
    if row is None:
        return
    link, kind = smooth.get_link_to_form("Employee Compliance", row.name), html.escape(row.compliance_type)
    if not changed:
        kept = (kind, link, row.completion_date, row.renewal_date)
        smooth.msgprint(_("{0} ({1}) kept its newer completion of {2}; it renews on {3}", *kept) if row.renewal_date
                        else _("{0} ({1}) kept its newer completion of {2}; it never needs renewing", *kept))
        return
    args = (kind, link, row.completion_date, row.renewal_date, _(row.status), html.escape(row.override_reason or ""))
    if row.override_reason:
        said = (_("{0} ({1}) is {4}, completed {2} (reason: {5}); it renews on {3}", *args) if row.renewal_date
                else _("{0} ({1}) is {4}, completed {2} (reason: {5}); it never needs renewing", *args))
    else:
        said = (_("{0} ({1}) is {4}, completed {2}; it renews on {3}", *args) if row.renewal_date
                else _("{0} ({1}) is {4}, completed {2}; it never needs renewing", *args))
    smooth.msgprint(said)


def file_record(doctype: str, name: str, document_type: str | None = None, compliance_type: str | None = None,
                mark_complete: bool = False, override_reason: str | None = None) -> dict[str, Any]:
    """File `name` to its member's Employee Documents (once) and optionally complete their compliance."""
    _require_hr()
    if doctype not in SOURCES:
        raise smooth.ValidationError(_("Only {0} records can be filed to Employee Documents, not {1}",
                                       _(" and ").join(SOURCES), doctype))
    doc = smooth.get_doc(doctype, name)
    doc.check_permission("read")
    source = SOURCES[doctype](doc)
    employee = employee_of(source)
    smooth.db.get_value("Employee", employee, "name", for_update=True)  # filings for one employee take turns
    kind = _compliance_type(compliance_type or None, mark_complete, source)
    if kind and not source.passed:
        raise smooth.ValidationError(_("{0} is not a pass: it cannot complete {1}", source.title, kind))
    reason = _override(kind, source, override_reason) if kind else None
    existing = smooth.db.get_value("Employee Document", {"reference_key": reference_key(doctype, name, employee)},
                                   "name")
    if existing:
        filed, created = str(existing), False
    else:
        filed, created = _file_document(doc, source, employee, _document_type(document_type or None, kind))
    row, changed = _mark_complete(employee, kind, source, filed, reason) if kind else (None, False)
    _confirm(filed, created, employee, row, changed)
    return {"doctype": "Employee Document", "name": filed, "created": created, "employee": employee,
            "compliance": row.name if row is not None else None,
            "renewal_date": row.renewal_date if row is not None else None}


@smooth.whitelist(methods=["POST"])
def file_to_employee_document(doctype: str, name: str, document_type: str | None = None,
                              compliance_type: str | None = None, mark_compliance_complete: Any = None,
                              override_reason: str | None = None) -> dict[str, Any]:
    """File an LMS Certificate or LMS Quiz Submission as an Employee Document (HR Manager / HR User).

    `override_reason` lets a record complete a Compliance Type of another course (kept on the row)."""
    return file_record(doctype, name, document_type, compliance_type,
                       _check(mark_compliance_complete, "Mark compliance complete"), override_reason)


@smooth.whitelist(methods=["POST"])
def file_certificate(name: str, document_type: str | None = None, compliance_type: str | None = None,
                     mark_compliance_complete: Any = None, override_reason: str | None = None) -> dict[str, Any]:
    """The LMS Certificate form's *File to Employee Document* button."""
    return file_to_employee_document(CERTIFICATE, name, document_type, compliance_type, mark_compliance_complete,
                                     override_reason)


@smooth.whitelist(methods=["POST"])
def file_quiz_submission(name: str, document_type: str | None = None, compliance_type: str | None = None,
                         mark_compliance_complete: Any = None, override_reason: str | None = None
                         ) -> dict[str, Any]:
    """The LMS Quiz Submission form's *File to Employee Document* button."""
    return file_to_employee_document(QUIZ_SUBMISSION, name, document_type, compliance_type,
                                     mark_compliance_complete, override_reason)
