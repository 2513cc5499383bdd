"""Personal data requests on the LMS + HR site: the download holds every record that names the person (their
certificate as a PDF and their files) and nothing of another person's; the deletion deletes, anonymises and
keeps as `user_data_fields` declare, leaves another person untouched, keeps certificates verifiable by number,
and records every step. The download is SQLite only (reads, no dialect); the deletion runs on both backends
(it rewrites many tables in one transaction)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

import smooth
from smooth.auth import login_history
from smooth.core.doctype.personal_data_deletion_request import personal_data_deletion_request as deletion
from smooth.core.personal_data.declarations import Finder, declarations
from smooth_lms import certificates
from tests.conftest import SiteHandle, make_user
from tests.hr.conftest import make_compliance_type, make_document_type, make_employee
from tests.lms.conftest import make_course, make_learner
from tests.lms.test_quizzes import ALL_RIGHT, make_quiz, submit

PAT, OTHER, HR = "pat@example.com", "other@example.com", "hr.pd@example.com"
DOWNLOADS, DELETIONS = "Personal Data Download Request", "Personal Data Deletion Request"


@dataclass
class Person:
    user: str
    employee: str
    certificate: str
    number: str
    document: str
    file_url: str


def _person(user: str, first: str, course: str, quiz: str) -> Person:
    make_learner(user, course, progress=100)
    person = smooth.get_doc("User", user)
    person.first_name, person.last_name = first, "Example"
    person.save()  # a Version of the User now holds the full name
    submit(user, quiz, ALL_RIGHT)  # a passed mandatory quiz certifies a self-paced course
    cert = smooth.db.get_value("LMS Certificate", {"member": user}, ["name", "certificate_number"], as_dict=True)
    employee = make_employee(first, user, company_email=user)
    stored = smooth.get_doc({"doctype": "File", "file_name": f"licence-{first}.png", "is_private": 1})
    stored.content = f"driving licence of {first}".encode()
    stored.insert()
    document = smooth.get_doc({"doctype": "Employee Document", "employee": employee, "document_type":
                               make_document_type(), "title": "Licence", "file": stored.file_url}).insert().name
    smooth.get_doc({"doctype": "Employee Compliance", "employee": employee,
                    "compliance_type": make_compliance_type(f"Forklift {first}")}).insert()
    smooth.get_doc({"doctype": "Comment", "comment_type": "Comment", "reference_doctype": "Employee",
                    "reference_name": employee, "comment_email": user, "comment_by": first,
                    "content": f"{first} says hello"}).insert(ignore_permissions=True)
    smooth.sendmail(user, subject=f"Welcome {first}", message=f"<p>Hello {first}</p>")
    smooth.set_user(user)
    smooth.make_access_log("Employee", employee, "Open")
    smooth.set_user("Administrator")
    login_history.record(user, "Success", "Password")
    smooth.db.commit()
    return Person(user, employee, str(cert["name"]), str(cert["certificate_number"]), document, stored.file_url)


@pytest.fixture
def people(lms: SiteHandle) -> tuple[Person, Person]:
    course = make_course("Personal Data Basics", evaluation_required=0)
    quiz = make_quiz(course, mandatory_for_certification=1)
    return _person(PAT, "Pat", course, quiz), _person(OTHER, "Olive", course, quiz)


def _as(user: str, doc: dict[str, Any]) -> Any:
    smooth.set_user(user)
    try:
        return smooth.get_doc(doc).insert()
    finally:
        smooth.set_user("Administrator")


def _zip_of(request: str) -> zipfile.ZipFile:
    url = smooth.db.get_value(DOWNLOADS, request, "data_file")
    assert url and url.startswith("/private/files/"), smooth.db.get_value(DOWNLOADS, request, ["status", "error"])
    return zipfile.ZipFile(io.BytesIO(smooth.read_file(url)))


def test_the_download_holds_every_record_naming_the_person_and_none_of_another(people: tuple[Person, Person]) -> None:
    pat, other = people
    request = _as(PAT, {"doctype": DOWNLOADS})
    config = smooth.local.site.config
    config["max_file_size"] = 1000  # the upload limit, which the zip (several KiB) is not held to
    try:
        smooth.db.commit()  # the job runs after the commit (in-process on the embedded default)
    finally:
        del config["max_file_size"]
    assert smooth.db.get_value(DOWNLOADS, request.name, "status") == "Ready"
    archive = _zip_of(request.name)
    data = json.loads(archive.read("data.json"))
    records = data["records"]
    assert data["user"] == PAT
    assert [r["name"] for r in records["LMS Certificate"]] == [pat.certificate]
    assert [r["name"] for r in records["Employee"]] == [pat.employee]
    assert [r["name"] for r in records["Employee Document"]] == [pat.document]
    assert [r["member"] for r in records["LMS Enrollment"]] == [PAT]
    assert [r["member"] for r in records["LMS Quiz Submission"]] == [PAT]
    assert [r["employee"] for r in records["Employee Compliance"]] == [pat.employee]
    assert [r["content"] for r in records["Comment"]] == ["Pat says hello"]
    assert [r["subject"] for r in records["Email Queue"]] == ["Welcome Pat"]
    assert [r["method"] for r in records["Access Log"]] == ["Open"]
    assert [r["status"] for r in records["Activity Log"]] == ["Success"]
    assert [r["name"] for r in records["User"]] == [PAT]
    assert "password" not in json.dumps(records["User"]).lower().replace("new_password", "")
    names = archive.namelist()
    assert "files/licence-Pat.png" in names and archive.read("files/licence-Pat.png") == b"driving licence of Pat"
    pdfs = [n for n in names if n.startswith("pdf/")]
    assert pdfs == [f"pdf/LMS_Certificate-{pat.certificate}.pdf"] and archive.read(pdfs[0]).startswith(b"%PDF")
    everything = b"".join(archive.read(n) for n in names)
    for trace in (OTHER.encode(), b"Olive", other.employee.encode(), other.certificate.encode()):
        assert trace not in everything
    # the zip is a private File of the request, owned by the person; they get a mail with the page's link
    stored = smooth.db.get_value("File", {"attached_to_name": request.name}, ["owner", "is_private"], as_dict=True)
    assert stored == {"owner": PAT, "is_private": 1}
    mail = smooth.db.get_value("Email Queue", {"reference_name": request.name}, "message_html")
    assert "/personal-data" in mail


def test_one_download_is_prepared_at_a_time_and_only_your_own(people: tuple[Person, Person]) -> None:
    _as(PAT, {"doctype": DOWNLOADS})  # not committed: still Pending
    with pytest.raises(smooth.TooManyRequestsError, match="already being prepared"):
        _as(PAT, {"doctype": DOWNLOADS})
    with pytest.raises(smooth.PermissionError, match="only request your own"):
        _as(OTHER, {"doctype": DOWNLOADS, "user": PAT})
    with pytest.raises(smooth.PermissionError, match="only request your own"):
        _as(OTHER, {"doctype": DELETIONS, "email": PAT})


def _confirmation_token(request: str) -> str:
    mail = smooth.db.get_value("Email Queue", {"reference_name": request, "subject": ["like", "Confirm%"]},
                               "message_html")
    found = re.search(r"token=([A-Za-z0-9_-]+)", mail)
    assert found, mail
    return found.group(1)


def _every_column_naming(user: str) -> list[str]:
    """Each table.column of the site where `user` still appears (the deleted person's email)."""
    site, hits = smooth.local.site, []
    for meta in site.registry:
        if meta.issingle:
            continue
        table = site.table(meta.name)
        for column in table.columns:
            if str(column.type).upper().startswith(("VARCHAR", "TEXT", "LONGTEXT", "MEDIUMTEXT")):
                if smooth.db.execute(select(table.c.name).where(column.like(f"%{user}%")).limit(1)).first():
                    hits.append(f"{meta.name}.{column.name}")
    return hits


@pytest.mark.both_backends
def test_deletion_anonymises_keeps_and_removes_as_declared(people: tuple[Person, Person]) -> None:
    pat, other = people
    make_user(HR, "HR Manager")
    _as(PAT, {"doctype": DOWNLOADS})
    request = _as(PAT, {"doctype": DELETIONS})
    smooth.db.commit()
    assert smooth.db.get_value(DELETIONS, request.name, "status") == "Pending Verification"
    with pytest.raises(smooth.DoesNotExistError):
        deletion.confirm(request.name, "not-the-token")
    with pytest.raises(smooth.ValidationError, match="Pending Approval"):
        _approve(request.name)
    deletion.confirm(request.name, _confirmation_token(request.name))
    smooth.db.commit()
    told = smooth.get_all("Email Queue", filters={"reference_name": request.name, "subject": ["like", "%awaits%"]},
                          fields=["name", "message_html"])
    assert len(told) == 1 and PAT not in told[0]["message_html"]
    assert smooth.get_all("Email Queue Recipient", filters={"parent": told[0]["name"]}, pluck="recipient") == [HR]
    with pytest.raises(smooth.DoesNotExistError):  # a link works once
        deletion.confirm(request.name, _confirmation_token(request.name))
    entries = declarations()
    expected = {(e.doctype, n) for e, names in Finder(PAT, entries).found() for n in names}
    with pytest.raises(smooth.PermissionError):
        _approve(request.name, user=OTHER)
    _approve(request.name)
    smooth.db.commit()  # the erasure job runs after the commit

    done = smooth.get_doc(DELETIONS, request.name)
    assert done.status == "Deleted" and done.anonymous_id.startswith("Deleted User ")
    anonymous = done.email
    assert anonymous.endswith("@deleted.invalid") and done.user_name == done.anonymous_id
    steps = {(s.document_type, s.document_name): s for s in done.deletion_steps}
    assert {key for key in expected if key[0] != "User"} <= set(steps)  # every record found has its step
    assert steps[("LMS Certificate", pat.certificate)].action == "Anonymised"
    assert "verifiable" in steps[("LMS Certificate", pat.certificate)].reason
    assert steps[("Employee Document", pat.document)].action == "Anonymised"
    assert {s.action for (dt, _), s in steps.items() if dt in ("LMS Enrollment", "LMS Quiz Submission",
                                                                "Email Queue", DOWNLOADS)} == {"Deleted"}

    # kept, anonymised: the certificate (still verifiable by its number), the personnel file and its file
    cert = smooth.db.get_value("LMS Certificate", pat.certificate, ["member", "member_name", "certificate_number"],
                               as_dict=True)
    assert cert == {"member": anonymous, "member_name": done.anonymous_id, "certificate_number": pat.number}
    shown = certificates.verification(pat.number)
    assert (shown["state"], shown["holder"], shown["name"]) == ("Valid", done.anonymous_id, pat.certificate)
    assert smooth.db.get_value("Employee", pat.employee, ["user_id", "employee_name", "company_email"]) == (
        anonymous, done.anonymous_id, anonymous)
    assert smooth.db.get_value("Employee Document", pat.document, ["employee_name", "file"]) == (
        done.anonymous_id, pat.file_url)
    assert smooth.read_file(pat.file_url) == b"driving licence of Pat"
    assert smooth.db.get_value("Comment", {"reference_name": pat.employee}, ["comment_email", "content"]) == (
        anonymous, "")
    assert smooth.db.get_value("Activity Log", {"user": anonymous}, ["ip_address", "status"]) == ("", "Success")
    # removed: the learning records, the mails, the download requests; the user closed
    for doctype, field in (("LMS Enrollment", "member"), ("LMS Quiz Submission", "member"),
                           (DOWNLOADS, "user"), ("LMS Course Progress", "member")):
        assert not smooth.db.exists(doctype, {field: anonymous}) and not smooth.db.exists(doctype, {field: PAT})
    assert not smooth.db.exists("User", PAT)
    user = smooth.db.get_value("User", anonymous, ["enabled", "full_name", "api_key"], as_dict=True)
    assert user == {"enabled": 0, "full_name": done.anonymous_id, "api_key": None}
    assert smooth.get_all("Has Role", filters={"parent": anonymous}) == []
    auth = smooth.local.site.table("__Auth")
    assert smooth.db.execute(select(auth.c.name).where(auth.c.name.in_([PAT, anonymous]))).first() is None
    assert _every_column_naming(PAT) == [] and _every_column_naming("Pat Example") == []
    # the other person is untouched
    assert smooth.db.get_value("LMS Certificate", other.certificate, ["member", "member_name"]) == (
        OTHER, "Olive Example")
    assert smooth.db.get_value("Employee", other.employee, "user_id") == OTHER
    assert smooth.db.exists("LMS Enrollment", {"member": OTHER})
    assert smooth.db.get_value("User", OTHER, "enabled") == 1
    assert smooth.db.get_value("Comment", {"reference_name": other.employee}, "content") == "Olive says hello"


def _approve(name: str, user: str = HR) -> Any:
    smooth.set_user(user)
    try:
        return deletion.approve(name)
    finally:
        smooth.set_user("Administrator")


def test_an_unconfirmed_request_expires_and_may_be_asked_again(people: tuple[Person, Person]) -> None:
    first = _as(PAT, {"doctype": DELETIONS})
    smooth.db.commit()
    with pytest.raises(smooth.TooManyRequestsError, match="already open"):
        _as(PAT, {"doctype": DELETIONS})
    smooth.db.set_value(DELETIONS, first.name, "creation", smooth.now_datetime() - deletion.LINK_VALID,
                        update_modified=False)
    with pytest.raises(smooth.DoesNotExistError, match="expired"):
        deletion.confirm(first.name, _confirmation_token(first.name))
    again = _as(PAT, {"doctype": DELETIONS})
    assert again.status == "Pending Verification" and again.name != first.name


def test_a_rejected_request_says_why_and_changes_nothing(people: tuple[Person, Person]) -> None:
    make_user(HR, "HR Manager")
    request = _as(PAT, {"doctype": DELETIONS})
    smooth.db.commit()
    deletion.confirm(request.name, _confirmation_token(request.name))
    smooth.db.set_value("User", PAT, "language", "de")  # the person reads German: the answer is in German
    smooth.set_user(HR)
    try:
        with pytest.raises(smooth.ValidationError, match="why"):
            deletion.reject(request.name, " ")
        deletion.reject(request.name, "Open investigation")
    finally:
        smooth.set_user("Administrator")
    smooth.db.commit()
    assert smooth.db.get_value(DELETIONS, request.name, ["status", "rejection_reason"]) == (
        "Rejected", "Open investigation")
    assert smooth.db.get_value("User", PAT, "enabled") == 1
    told = smooth.db.get_value("Email Queue", {"reference_name": request.name, "subject": [
        "=", "Ihr Antrag auf Löschung Ihrer Daten wurde nicht genehmigt"]}, "message_html")
    assert f"Ihr Antrag {request.name} wurde nicht genehmigt:" in told and "Open investigation" in told
    assert smooth.db.exists("Email Queue", {"reference_name": request.name, "subject": ["like", "%awaits your review"]})


# fields that name a user or an employee but are not the person the record is about, each with why
NOT_ABOUT_THE_PERSON = {
    ("Employee", "reports_to"): "names the manager, whose own Employee record is theirs",
}


def test_every_field_naming_a_person_is_declared(lms: SiteHandle) -> None:
    """A new doctype or field that links a User or an Employee, or holds an email, must be in user_data_fields
    (or here, saying why it is not about the person): otherwise a download would miss it and a deletion keep it."""
    entries = declarations()
    declared = {(e.doctype, e.filter_by) for e in entries} | {(e.doctype, f) for e in entries for f in e.redact_fields}
    missing = []
    for meta in smooth.local.site.registry:
        if meta.app != "smooth_apps":
            continue
        for field in meta.value_fields:
            person = (field.fieldtype == "Link" and field.options in ("User", "Employee")) or (
                field.fieldtype == "Data" and (field.options == "Email" or "email" in field.fieldname))
            if person and (meta.name, field.fieldname) not in declared | set(NOT_ABOUT_THE_PERSON):
                missing.append(f"{meta.name}.{field.fieldname}")
    assert missing == []
