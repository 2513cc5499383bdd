"""File to Employee Document: LMS certificates and quiz results put on the employee's file.

SQLite only (documents and files through the core), except the race, which the database's locks settle."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile
from typing import Any

import pytest

import smooth
from smooth.core.doctype.file.file import can_read
from smooth.pages.desk import form_actions
from smooth_hr import audit_export, filing
from smooth_lms import certificates
from tests.api.helpers import Api
from tests.conftest import SiteHandle, make_user
from tests.hr.conftest import make_compliance_type, make_document_type, make_employee
from tests.lms.conftest import make_course, make_learner
from tests.lms.test_booking_concurrency import race
from tests.lms.test_certificates import as_user
from tests.lms.test_quizzes import ALL_RIGHT, make_quiz, submit
from tests.pages.served import served, served_site  # noqa: F401  (the served site, for the desk button)

HR, LEARNER = "hr@example.com", "lee@example.com"



def certified(validity: int = 12, employee: bool = True) -> tuple[str, Any]:
    """An HR user, a learner (an Employee unless told) with a certificate of a course, a document type."""
    make_user(HR, "HR User")
    course = make_course("Forklift", certificate_validity_months=validity)
    make_learner(LEARNER, course)
    smooth.db.set_value("User", LEARNER, {"first_name": "Lee", "full_name": "Lee"})
    if employee:
        make_employee("Lee", user_id=LEARNER, last_name="Driver")
    make_document_type("Training Record", default_validity_months=24)
    cert = certificates.issue_certificate(LEARNER, course)
    smooth.db.commit()
    return course, cert


def file_cert(name: str, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("document_type", "Training Record")
    return as_user(HR, filing.file_certificate, name, **kwargs)


def stored_file(document: str) -> Any:
    url = smooth.db.get_value("Employee Document", document, "file")
    return smooth.get_doc("File", smooth.db.get_value("File", {"file_url": url}, "name"))


def test_certificate_filed_as_a_private_pdf(lms: SiteHandle) -> None:
    _course, cert = certified()
    result = file_cert(cert.name)
    assert result["created"] and result["doctype"] == "Employee Document"
    doc = smooth.get_doc("Employee Document", result["name"])
    assert doc.employee == smooth.db.get_value("Employee", {"user_id": LEARNER}, "name") == result["employee"]
    assert (doc.document_type, doc.reference_doctype, doc.reference_name) == ("Training Record", "LMS Certificate",
                                                                             cert.name)
    assert smooth.getdate(doc.issue_date) == smooth.getdate(cert.issue_date)
    assert smooth.getdate(doc.expiry_date) == smooth.getdate(cert.expiry_date)  # the certificate's, not the type's
    assert doc.title == f"Forklift certificate {cert.certificate_number}"
    stored = stored_file(doc.name)
    assert doc.file.startswith("/private/files/") and doc.file.endswith(".pdf") and int(stored.is_private) == 1
    assert (stored.attached_to_doctype, stored.attached_to_name, stored.attached_to_field) == (
        "Employee Document", doc.name, "file")
    assert stored.get_content()[:5] == b"%PDF-"
    assert can_read(doc.file, HR) and not can_read(doc.file, LEARNER)


def test_quiz_submission_filed_with_the_type_default_expiry(lms: SiteHandle) -> None:
    make_user(HR, "HR Manager")
    course = make_course("Maths")
    quiz = make_quiz(course, title="Load Charts")
    make_learner(LEARNER, course)
    make_employee("Lee", user_id=LEARNER)
    make_document_type("Assessment", default_validity_months=24)
    submission = submit(LEARNER, quiz, ALL_RIGHT)["name"]
    smooth.db.commit()
    result = as_user(HR, filing.file_quiz_submission, submission, document_type="Assessment")
    doc = smooth.get_doc("Employee Document", result["name"])
    day = smooth.getdate(smooth.db.get_value("LMS Quiz Submission", submission, "creation"))
    assert smooth.getdate(doc.issue_date) == day
    assert smooth.getdate(doc.expiry_date) == smooth.add_months(day, 24)
    assert (doc.reference_doctype, doc.reference_name) == ("LMS Quiz Submission", submission)
    assert doc.title == "Load Charts quiz result 100% (passed), attempt 1"
    assert stored_file(doc.name).get_content()[:5] == b"%PDF-"


def test_filing_twice_gives_the_same_document(lms: SiteHandle) -> None:
    _course, cert = certified()
    first = file_cert(cert.name)
    smooth.db.commit()
    again = file_cert(cert.name, document_type="Other Type Ignored")
    assert again["name"] == first["name"] and not again["created"]
    assert smooth.db.count("Employee Document", {"reference_name": cert.name}) == 1
    assert smooth.db.count("File", {"file_name": f"{cert.certificate_number}.pdf"}) == 1


@pytest.mark.both_backends  # a race the database's locks settle
def test_two_concurrent_filings_make_one_document(lms: SiteHandle) -> None:
    _course, cert = certified()

    def file_it() -> Any:
        smooth.set_user(HR)
        return filing.file_certificate(cert.name, document_type="Training Record")["name"]

    outcomes = race(lms, [file_it, file_it])
    assert all(isinstance(o, str) for o in outcomes), outcomes  # neither user sees an error
    assert len(set(outcomes)) == 1
    assert smooth.db.count("Employee Document", {"reference_name": cert.name}) == 1
    assert smooth.db.count("File", {"file_name": f"{cert.certificate_number}.pdf"}) == 1  # the loser's is gone


def test_a_filing_that_loses_at_the_unique_index_returns_the_winner(lms: SiteHandle,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the lock, the unique index settles it: the loser's PDF is removed and the winner returned."""
    _course, cert = certified()
    employee = smooth.db.get_value("Employee", {"user_id": LEARNER}, "name")
    winner: list[str] = []

    def filed_meanwhile(source: Any, employee_name: str) -> None:
        winner.append(smooth.get_doc({
            "doctype": "Employee Document", "employee": employee_name, "document_type": "Training Record",
            "file": "/private/files/other.pdf", "reference_doctype": "LMS Certificate", "reference_name": cert.name,
            "reference_key": filing.reference_key("LMS Certificate", cert.name, employee)}).insert().name)

    monkeypatch.setattr(filing, "_previous_document", filed_meanwhile)
    result = file_cert(cert.name)
    assert (result["name"], result["created"]) == (winner[0], False)
    assert smooth.db.count("File", {"file_name": f"{cert.certificate_number}.pdf"}) == 0
    assert smooth.db.count("Employee Document", {"reference_name": cert.name}) == 1


def test_no_employee_is_a_clear_error(lms: SiteHandle) -> None:
    _course, cert = certified(employee=False)
    with pytest.raises(smooth.ValidationError, match=re.escape(
            f"Lee ({LEARNER}) has no Employee record: set User ID to {LEARNER} on their Employee")):
        file_cert(cert.name)
    assert smooth.db.count("Employee Document", {}) == 0
    assert smooth.db.count("File", {"file_name": f"{cert.certificate_number}.pdf"}) == 0


def test_only_hr_files(lms: SiteHandle) -> None:
    _course, cert = certified()
    make_user("mod@example.com", "Moderator")
    for user in (LEARNER, "mod@example.com"):
        with pytest.raises(smooth.PermissionError, match="Only HR Managers and HR Users"):
            as_user(user, filing.file_certificate, cert.name, document_type="Training Record")
    assert smooth.db.count("Employee Document", {}) == 0


def test_compliance_marked_complete_with_renewal_date(lms: SiteHandle) -> None:
    course, cert = certified()
    make_compliance_type("Forklift Safety", renewal_period_months=12, reminder_days="30", course=course)
    employee = smooth.db.get_value("Employee", {"user_id": LEARNER}, "name")
    pending = smooth.get_doc({"doctype": "Employee Compliance", "employee": employee,
                              "compliance_type": "Forklift Safety"}).insert().name
    smooth.db.commit()
    result = file_cert(cert.name, compliance_type="Forklift Safety", mark_compliance_complete="1")
    assert result["compliance"] == pending
    row = smooth.get_doc("Employee Compliance", pending)
    assert (row.status, row.evidence) == ("Complete", result["name"])
    assert smooth.getdate(row.completion_date) == smooth.getdate(cert.issue_date)
    assert smooth.getdate(row.renewal_date) == smooth.add_months(cert.issue_date, 12)
    assert smooth.db.count("Employee Compliance", {"employee": employee}) == 1


def test_compliance_created_when_missing_and_found_by_course(lms: SiteHandle) -> None:
    course, cert = certified()
    make_compliance_type("Forklift Safety", renewal_period_months=24, course=course)
    smooth.db.commit()
    with pytest.raises(smooth.ValidationError, match="Tick Mark compliance complete"):
        file_cert(cert.name, compliance_type="Forklift Safety", mark_compliance_complete="0")
    result = file_cert(cert.name, mark_compliance_complete="1")  # the compliance type linked to the course
    row = smooth.get_doc("Employee Compliance", result["compliance"])
    assert (row.employee, row.compliance_type, row.status) == (result["employee"], "Forklift Safety", "Complete")
    assert smooth.getdate(row.renewal_date) == smooth.add_months(cert.issue_date, 24)
    with pytest.raises(smooth.ValidationError, match="must be 1 or 0"):
        file_cert(cert.name, mark_compliance_complete="yes please")


def _lee_took_the_quiz(compliance_type: str, answers: Any) -> str:
    """Lee (an employee, HR present) submits the Load Charts quiz of course Maths; its submission's name."""
    make_user(HR, "HR User")
    course = make_course("Maths")
    quiz = make_quiz(course, title="Load Charts")
    make_learner(LEARNER, course)
    make_employee("Lee", user_id=LEARNER)
    make_document_type("Assessment")
    make_compliance_type(compliance_type, renewal_period_months=12)
    submission = str(submit(LEARNER, quiz, answers)["name"])
    smooth.db.commit()
    return submission


def test_failed_quiz_is_filed_but_completes_nothing(lms: SiteHandle) -> None:
    submission = _lee_took_the_quiz("Load Charts", {"1": ["3"]})
    with pytest.raises(smooth.ValidationError, match=r"not passed\), attempt 1 is not a pass: it cannot complete"):
        as_user(HR, filing.file_quiz_submission, submission, document_type="Assessment",
                compliance_type="Load Charts", mark_compliance_complete=1)
    result = as_user(HR, filing.file_quiz_submission, submission, document_type="Assessment")
    assert result["created"] and smooth.db.count("Employee Compliance", {}) == 0


def test_recertification_supersedes_the_filed_document(lms: SiteHandle) -> None:
    course, old = certified(validity=6)
    make_compliance_type("Forklift Safety", renewal_period_months=6, course=course)
    first = file_cert(old.name, mark_compliance_complete=1)["name"]
    past = smooth.today() - dt.timedelta(days=400)
    smooth.db.set_value("LMS Certificate", old.name, {"issue_date": past, "expiry_date": past + dt.timedelta(days=180)})
    new = certificates.issue_certificate(LEARNER, course)
    smooth.db.commit()
    assert new.supersedes == old.name
    with pytest.raises(smooth.ValidationError, match=f"superseded by {new.name}: file {new.name} instead"):
        file_cert(old.name)  # filed already, but a superseded certificate is not filed anew
    second = file_cert(new.name, mark_compliance_complete=1)
    assert second["created"] and second["name"] != first
    assert smooth.db.get_value("Employee Document", second["name"], "supersedes") == first
    assert smooth.db.get_value("Employee Document", first, "superseded_by") == second["name"]
    row = smooth.get_all("Employee Compliance", fields=["evidence", "completion_date", "renewal_date"])
    assert len(row) == 1 and row[0]["evidence"] == second["name"]
    assert smooth.getdate(row[0]["completion_date"]) == smooth.today()
    assert smooth.getdate(row[0]["renewal_date"]) == smooth.add_months(smooth.today(), 6)
    kept = smooth.get_doc("Employee Document", first)  # history kept: the old document and its PDF
    assert kept.reference_name == old.name and stored_file(first).get_content()[:5] == b"%PDF-"


def test_revoked_certificate_is_not_filed(lms: SiteHandle) -> None:
    _course, cert = certified()
    certificates.revoke_certificate(cert.name, "issued in error")
    smooth.db.commit()
    with pytest.raises(smooth.ValidationError, match="is revoked"):
        file_cert(cert.name)


def _expiring_forklift(course: str) -> tuple[str, str]:
    """The issue's case: a Workplace Safety certificate, an Expiring row of a forklift type of another course."""
    other = make_course("Forklift Driving")
    make_compliance_type("Forklift Safety Certification", renewal_period_months=12, course=other)
    make_compliance_type("Workplace Safety", renewal_period_months=12, course=course)
    employee = smooth.db.get_value("Employee", {"user_id": LEARNER}, "name")
    done = smooth.today() - dt.timedelta(days=350)
    row = smooth.get_doc({"doctype": "Employee Compliance", "employee": employee, "status": "Complete",
                          "compliance_type": "Forklift Safety Certification", "completion_date": done}).insert()
    smooth.db.commit()
    assert row.status == "Expiring"
    return employee, row.name


def test_a_certificate_completes_only_its_own_courses_compliance(lms: SiteHandle) -> None:
    course, cert = certified()
    employee, forklift = _expiring_forklift(course)
    before = smooth.db.get_value("Employee Compliance", forklift, ["status", "renewal_date"], as_dict=True)
    other = smooth.db.get_value("Compliance Type", "Forklift Safety Certification", "course")
    with pytest.raises(smooth.ValidationError, match=re.escape(
            f"Forklift Safety Certification is completed by course {other}, and Forklift certificate")):
        file_cert(cert.name, compliance_type="Forklift Safety Certification", mark_compliance_complete=1)
    smooth.db.rollback()
    assert smooth.db.get_value("Employee Compliance", forklift, ["status", "renewal_date"], as_dict=True) == before
    assert smooth.db.count("Employee Document", {}) == 0
    own = file_cert(cert.name, compliance_type="Workplace Safety", mark_compliance_complete=1)
    assert smooth.db.get_value("Employee Compliance", own["compliance"], ["compliance_type", "override_reason"]) \
        == ("Workplace Safety", None)


def test_an_override_needs_a_reason_kept_on_the_row_and_in_the_audit_export(lms: SiteHandle) -> None:
    course, cert = certified()
    employee, forklift = _expiring_forklift(course)
    smooth.local.message_log.clear()
    result = file_cert(cert.name, compliance_type="Forklift Safety Certification", mark_compliance_complete=1,
                       override_reason="  The course covered forklift refresher content  ")
    row = smooth.get_doc("Employee Compliance", forklift)
    assert (result["compliance"], row.status, row.evidence) == (forklift, "Complete", result["name"])
    assert row.override_reason == "The course covered forklift refresher content"
    renewal = smooth.add_months(cert.issue_date, 12)
    assert smooth.getdate(result["renewal_date"]) == renewal
    said = [m["message"] for m in smooth.local.message_log]  # what the filing confirms, each record linked
    assert said[0].startswith(f'Filed <a href="/app/employee-document/{result["name"]}">{result["name"]}</a> on ')
    assert said[1] == (f'Forklift Safety Certification (<a href="/app/employee-compliance/{forklift}">{forklift}</a>)'
                       f" is Complete, completed {cert.issue_date} (reason: The course covered forklift refresher "
                       f"content); it renews on {renewal}")
    smooth.db.commit()
    archive = io.BytesIO()
    smooth.set_user(HR)
    try:
        audit_export.write_zip(archive, {"employee": employee}, "test")
    finally:
        smooth.set_user("Administrator")
    rows = list(csv.reader(io.StringIO(zipfile.ZipFile(archive).read("compliance.csv").decode("utf-8-sig"))))
    reason = rows[0].index("Completed From Another Course: Reason")
    assert {r[3]: r[reason] for r in rows[1:]} == {
        "Forklift Safety Certification": "The course covered forklift refresher content"}


def test_a_quiz_result_completes_only_its_courses_compliance(lms: SiteHandle) -> None:
    submission = _lee_took_the_quiz("Forklift Safety Certification", ALL_RIGHT)
    with pytest.raises(smooth.ValidationError, match="is completed by no course, and Load Charts quiz result"):
        as_user(HR, filing.file_quiz_submission, submission, document_type="Assessment",
                compliance_type="Forklift Safety Certification", mark_compliance_complete=1)


def _buttons(page: str) -> dict[str, str]:
    return {html.unescape(label): key for key, label in
            re.findall(r'name="action" value="(button:\d+)"[^>]*>([^<]+)</button>', page)}


def test_desk_button_files_and_opens_the_document(served: Api) -> None:  # noqa: F811
    with served.handle.context():
        course, cert = certified()
        make_compliance_type("Forklift Safety", renewal_period_months=12)
        submission = submit(LEARNER, make_quiz(course), ALL_RIGHT)["name"]
        smooth.db.commit()
    quiz_page = served.get(f"/app/lms-quiz-submission/{submission}", user=HR).text
    assert "File to Employee Document" in _buttons(quiz_page)
    url = f"/app/lms-certificate/{cert.name}"
    page = served.get(url, user=HR).text
    button = _buttons(page)["File to Employee Document"]
    assert '<option value="Training Record">' in page and '<option value="Forklift Safety">' in page
    assert 'type="checkbox" name="mark_compliance_complete" value="1"' in page
    assert "File to Employee Document" not in _buttons(served.get(url, user=LEARNER).text)
    refused = served.post(url, user=LEARNER, data={"action": button, "document_type": "Training Record"},
                          follow_redirects=False)
    assert refused.status_code == 403
    data = {"action": button, "document_type": "Training Record", "compliance_type": "Forklift Safety",
            "mark_compliance_complete": "1"}
    refused = served.post(url, user=HR, data=data, follow_redirects=False)  # the type names no course
    assert refused.status_code == 417 and "give the reason to complete Forklift Safety" in refused.text
    assert '<input type="text" name="override_reason">' in page
    filed = served.post(url, user=HR, data={**data, "override_reason": "no course on the type"},
                        follow_redirects=False)
    assert filed.status_code == 200, filed.text[:800]
    target = html.unescape(re.search(r'data-saved-url="([^"]+)"', filed.text).group(1))  # type: ignore[union-attr]
    assert target.startswith("/app/employee-document/HR-DOC-")
    assert re.search(f'Filed <a href="{target}"[^>]*>HR-DOC-[^<]+</a> on Lee Driver.s file', filed.text)
    form = served.get(target, user=HR)
    assert form.status_code == 200
    pdf_url = re.search(r'href="(/private/files/[^"]+\.pdf)"', form.text)
    assert pdf_url, form.text[:2000]
    pdf = served.get(pdf_url.group(1), user=HR)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-"
    assert served.get(pdf_url.group(1), user=LEARNER).status_code == 403
    with served.handle.context():
        row = smooth.get_all("Employee Compliance", fields=["name", "status", "evidence", "override_reason"])
        assert row == [{"name": row[0]["name"], "status": "Complete", "evidence": target.rsplit("/", 1)[1],
                        "override_reason": "no course on the type"}]
    assert re.search(f'Forklift Safety \\(<a href="/app/employee-compliance/{row[0]["name"]}"[^>]*>', filed.text)


def test_past_the_choice_limit_a_link_is_typed_with_suggestions(served: Api,  # noqa: F811
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    with served.handle.context():
        _course, cert = certified()
        make_document_type("Assessment")
        smooth.db.commit()
    monkeypatch.setattr(form_actions, "LINK_CHOICES", 1)
    page = served.get(f"/app/lms-certificate/{cert.name}", user=HR).text
    typed = re.search(r'<input type="text" name="document_type" list="([^"]+)" autocomplete="off" required>', page)
    assert typed, page
    assert re.search(f'<datalist id="{typed.group(1)}"><option value="Assessment"></option></datalist>', page)


def test_rest_api_files_a_quiz_submission(served: Api) -> None:  # noqa: F811
    with served.handle.context():
        make_user(HR, "HR User")
        course = make_course("Maths")
        make_learner(LEARNER, course)
        make_employee("Lee", user_id=LEARNER)
        make_document_type("Assessment")
        submission = submit(LEARNER, make_quiz(course), ALL_RIGHT)["name"]
        smooth.db.commit()
    method = "smooth_hr.filing.file_to_employee_document"
    args = {"doctype": "LMS Quiz Submission", "name": submission, "document_type": "Assessment"}
    assert served.call(method, "GET", user=HR, **args).status_code in (403, 405)  # it writes: POST only
    assert served.call(method, "POST", user=LEARNER, **args).status_code == 403
    first = served.call(method, "POST", user=HR, **args)
    assert first.status_code == 200, first.text
    again = served.call(method, "POST", user=HR, **args).json()["message"]
    assert first.json()["message"]["created"] and not again["created"]
    assert again["name"] == first.json()["message"]["name"]
    refused = served.call(method, "POST", user=HR, doctype="User", name=HR, document_type="Assessment")
    assert refused.status_code == 417 and "Only LMS Certificate and LMS Quiz Submission" in refused.text
