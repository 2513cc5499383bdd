"""The training transcript: one person's learning and compliance records, as they stood on a chosen day.

Model tests build a history with dates in the past (certificates superseded and revoked, a document
that expired, a compliance completed, an assignment done late) and read it as of several days; the
page, its PDF, the Employee form's button and the audit export are tested through the served site.
The as-of reading runs on both databases (dates and creation datetimes compared in SQL).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import pytest

import smooth
from smooth_hr.transcript import Transcript, get_transcript
from tests.api.helpers import Api
from tests.conftest import SiteHandle, make_user
from tests.hr.conftest import make_compliance_type, make_department, make_document_type, make_employee
from tests.hr.team_data import QUESTIONS
from tests.lms.conftest import make_course, make_learner
from tests.pages.served import served, served_site  # noqa: F401

PAGE = "/app/training-transcript"
ANN, BOSS, HR, OTHER = "ann@example.com", "boss@example.com", "hr@example.com", "other@example.com"


@dataclass
class History:
    ann: str
    other: str
    today: dt.date


def _ago(days: int) -> dt.date:
    return smooth.today() - dt.timedelta(days=days)


def _backdate(doctype: str, name: str, days: int) -> None:
    smooth.db.set_value(doctype, name, "creation", dt.datetime.combine(_ago(days), dt.time(10)),
                        update_modified=False)


def _certificate(member: str, course: str, issued: int, expires: int | None = None, **values: object) -> str:
    doc = smooth.get_doc({"doctype": "LMS Certificate", "member": member, "course": course, "issue_date": _ago(issued),
                          "expiry_date": _ago(expires) if expires is not None else None, "published": 1, **values})
    return str(doc.insert(ignore_permissions=True).name)


def make_history() -> History:
    make_user(HR, "HR User")
    make_user(BOSS, "LMS Student")
    make_department("Warehouse")
    boss = make_employee("Bea", BOSS, last_name="Boss", department="Warehouse")
    forklift, ladders = make_course("Forklift Basics"), make_course("Ladder Safety")
    make_learner(ANN, forklift)
    ann = make_employee("Ann", ANN, last_name="Archer", department="Warehouse", reports_to=boss)
    other = make_employee("Olly", None, last_name="Other")
    enrolment = smooth.get_all("LMS Enrollment", filters={"member": ANN}, pluck="name")[0]
    _backdate("LMS Enrollment", enrolment, 300)
    old = _certificate(ANN, forklift, issued=250, expires=-115)   # valid for a year from 250 days ago
    smooth.db.set_value("LMS Certificate", old, "valid_key", None)  # as re-certifying leaves it
    new = _certificate(ANN, forklift, issued=20, expires=-345, supersedes=old)
    smooth.db.set_value("LMS Certificate", old, "superseded_by", new)
    _certificate(ANN, ladders, issued=120, revoked=1, revoked_on=_ago(10), revoked_reason="Issued in error")
    make_document_type("Forklift Licence")
    scan = smooth.new_doc("File", file_name="licence.pdf", is_private=1)
    scan.content = b"%PDF-1.4 licence\n"
    scan.insert()
    licence = smooth.get_doc({"doctype": "Employee Document", "employee": ann, "document_type": "Forklift Licence",
                              "title": "Forklift licence", "file": scan.file_url, "issue_date": _ago(300),
                              "expiry_date": _ago(30)}).insert()
    _backdate("Employee Document", licence.name, 300)
    make_compliance_type("Forklift Safety", renewal_period_months=12)
    row = smooth.get_doc({"doctype": "Employee Compliance", "employee": ann, "compliance_type": "Forklift Safety",
                          "status": "Complete", "completion_date": _ago(100)}).insert()
    _backdate("Employee Compliance", row.name, 200)
    smooth.get_doc({"doctype": "LMS Training Assignment", "member": ANN, "course": forklift,
                    "assigned_on": _ago(120), "due_date": _ago(90), "completed_on": _ago(80),
                    "status": "Completed"}).insert(ignore_permissions=True)
    quiz = smooth.get_doc({"doctype": "LMS Quiz", "title": "Forklift Quiz", "course": forklift,
                           "passing_percentage": 50, "questions": QUESTIONS}).insert().name
    taken = smooth.get_doc({"doctype": "LMS Quiz Submission", "quiz": quiz, "member": ANN,
                            "answers": '{"1": ["4"]}'}).insert().name
    _backdate("LMS Quiz Submission", taken, 40)
    smooth.db.commit()
    return History(ann, other, smooth.today())


def _standing(transcript: Transcript, section: str) -> list[tuple[str, str]]:
    return [(entry.title, entry.status) for entry in transcript.sections[section]]


@pytest.mark.both_backends  # date and datetime filters, compared as each database stores them
def test_the_transcript_as_of_today_and_as_of_past_days(lms: SiteHandle) -> None:
    history = make_history()
    now = get_transcript(history.ann)
    assert now.today and now.as_of == history.today
    assert _standing(now, "Certificates") == [("Forklift Basics", "Valid"), ("Ladder Safety", "Revoked"),
                                              ("Forklift Basics", "Superseded")]  # latest issued first
    assert "Revoked: Issued in error" in now.sections["Certificates"][1].detail
    assert _standing(now, "Documents on file") == [("Forklift licence", "Expired")]
    assert _standing(now, "Compliance") == [("Forklift Safety", "Complete")]
    assert _standing(now, "Training assignments") == [("Forklift Basics", "Completed")]
    assert _standing(now, "Enrolments") == [("Forklift Basics", "Completed")]

    sixty = get_transcript(history.ann, _ago(60))  # before the re-certification and the revocation
    assert _standing(sixty, "Certificates") == [("Ladder Safety", "Valid"), ("Forklift Basics", "Valid")]
    assert sixty.sections["Quiz results"] == []  # taken 40 days ago
    assert _standing(now, "Quiz results") == [("Forklift Quiz", "Passed")]
    assert now.sections["Quiz results"][0].detail == "100% · attempt 1 · Forklift Basics"
    assert _standing(sixty, "Documents on file") == [("Forklift licence", "In force")]
    assert "progress as of now" in sixty.sections["Enrolments"][0].detail

    before = get_transcript(history.ann, _ago(100 + 50).isoformat())  # text, as the page sends it
    assert _standing(before, "Certificates") == [("Forklift Basics", "Valid")]
    assert _standing(before, "Compliance") == [("Forklift Safety", "Pending")]
    assert before.sections["Compliance"][0].detail.startswith("completed later, on ")
    assert get_transcript(history.ann, _ago(85)).sections["Training assignments"][0].status == "Overdue"

    early = get_transcript(history.ann, _ago(280))
    assert early.sections["Certificates"] == [] and early.sections["Compliance"] == []
    assert _standing(early, "Documents on file") == [("Forklift licence", "In force")]


def test_refusals(lms: SiteHandle) -> None:
    history = make_history()
    with pytest.raises(smooth.ValidationError, match="a day up to today"):
        get_transcript(history.ann, history.today + dt.timedelta(days=1))
    with pytest.raises(smooth.ValidationError, match="As of 'soon'"):
        get_transcript(history.ann, "soon")
    with pytest.raises(smooth.DoesNotExistError):
        get_transcript("HR-EMP-99999")
    smooth.set_user(BOSS)  # a manager reads her line, not others
    assert get_transcript(history.ann).employee_name == "Ann Archer"
    with pytest.raises(smooth.PermissionError):
        get_transcript(history.other)
    smooth.set_user("Administrator")
    assert "Certificates" not in get_transcript(history.other).sections  # no user: no learning record


def test_the_page_its_pdf_the_form_button_and_the_audit_export(served: Api) -> None:  # noqa: F811
    with served.handle.context():
        history = make_history()
        sixty = _ago(60)
    page = served.get(PAGE, params={"employee": history.ann}, user=HR)
    assert page.status_code == 200, page.text[:500]
    assert "Training transcript: Ann Archer" in page.text and "As of today." in page.text
    assert 'class="hr-standing hr-standing-bad">Revoked<' in page.text
    past = served.get(PAGE, params={"employee": history.ann, "as_of": sixty.isoformat()}, user=BOSS).text
    assert f"As of {sixty.isoformat()}: only what existed on that day" in past and "Revoked" not in past
    refused = served.get(PAGE, params={"employee": history.other}, user=BOSS)
    assert refused.status_code == 403 and f"may not read Employee {history.other}" in refused.text
    future = served.get(PAGE, params={"employee": history.ann, "as_of": "2999-01-01"}, user=HR)
    assert future.status_code == 417 and "not one in the future" in future.text
    assert "Choose an employee" in served.get(PAGE, user=HR).text
    with served.handle.context():  # a German HR user reads the transcript's sections, standings and dates in German
        smooth.db.set_value("User", HR, "language", "de")
        smooth.db.commit()
        issued = smooth.strftime(_ago(120), "%d %b %Y", "de")
    try:
        german = served.get(PAGE, params={"employee": history.ann}, user=HR).text
    finally:
        with served.handle.context():
            smooth.db.set_value("User", HR, "language", None)
            smooth.db.commit()
    assert ">Zertifikate (" in german and ">Abgelegte Dokumente (" in german and ">Quiz-Ergebnisse (" in german
    assert 'class="hr-standing hr-standing-bad">Widerrufen<' in german and "Widerrufen: Issued in error" in german
    assert f"Ausgestellt {issued}" in german and ">Certificates (" not in german and "Revoked" not in german

    pdf = served.get(PAGE, params={"employee": history.ann, "as_of": sixty.isoformat(), "pdf": 1}, user=HR)
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-", pdf.text[:300]
    assert f"transcript-{history.ann}-{sixty.isoformat()}.pdf" in pdf.headers["content-disposition"]

    form = served.get(f"/app/employee/{history.ann}", user=HR).text
    assert "Training transcript" in form
    button = served.call("smooth_hr.transcript_print.open_transcript", "POST", user=HR, name=history.ann)
    assert button.json()["message"]["redirect_to"] == f"{PAGE}?employee={history.ann}"

    export = served.get("/app/compliance-dashboard", params={"export": 1, "employee": history.ann},
                        user="Administrator")
    assert export.status_code == 200, export.text[:300]
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    transcript = archive.read("transcript.html").decode()
    assert "Training transcript" in transcript and "Ann Archer" in transcript and "Issued in error" in transcript
    assert "transcript.html is the employee's training transcript" in archive.read("README.txt").decode()
