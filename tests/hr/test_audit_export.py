"""Audit export: a ZIP of a CSV, the evidence files and a README stamped with who exported it and when.

Per employee and per compliance type, over REST and from the desk (form buttons, the
dashboard's form); formula cells quoted; refused without the export right; rows read a page
at a time (keyset paging), so an export of many rows is never loaded whole.

SQLite only, except the keyset paging, which the database orders and pages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest

import smooth
from smooth.api.method import file_download
from smooth_hr import audit_export
from smooth_lms import learning
from smooth_lms.scorm import runtime
from tests.api.helpers import Api, add_user
from tests.hr import team_data
from tests.hr.conftest import make_employee
from tests.hr.team_data import BOSS, HR, HRM, Team, TeamKeeper
from tests.lms import scorm_packages
from tests.pages.served import served, served_site  # noqa: F401  (the LMS + HR site served, user by header)

METHOD = audit_export.EXPORT_METHOD
EVIDENCE = b"%PDF-1.4 forklift certificate of Wes\n"

team_keeper = team_data.team_keeper  # the fixture, for pytest to find in this module


@pytest.fixture
def team(team_keeper: TeamKeeper) -> Team:
    """The company, shared by the tests that leave it as it was (TeamKeeper makes it again after one that did not)."""
    return team_keeper.get(with_quiz=False)


def _zip(api: Api, user: str, **scope: str) -> zipfile.ZipFile:
    response = api.call(METHOD, user=user, **scope)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/zip"
    assert re.match(r'attachment; filename="audit-[A-Za-z0-9_.-]+-\d{8}-\d{6}\.zip"',
                    response.headers["content-disposition"])
    return zipfile.ZipFile(io.BytesIO(response.content))


def _csv(archive: zipfile.ZipFile) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read("compliance.csv").decode("utf-8-sig"))))


def test_employee_export_has_csv_evidence_and_stamp(team: Team) -> None:
    archive = _zip(team.api, HR, employee=team.worker)
    rows = _csv(archive)
    assert rows[0] == list(audit_export.COLUMNS)
    by_type = {row[3]: row for row in rows[1:]}
    assert set(by_type) == {"Forklift Safety", "Fire Drill"}
    forklift = by_type["Forklift Safety"]
    assert forklift[:5] == [team.worker, "Wes Worker", "Warehouse", "Forklift Safety", "Expiring"]
    assert forklift[5] == (smooth.today() - dt.timedelta(days=300)).isoformat()
    assert forklift[7] == team.evidence and forklift[8].startswith(f"evidence/{team.evidence}/")
    assert archive.read(forklift[8]) == EVIDENCE
    assert by_type["Fire Drill"][4] == "Pending" and by_type["Fire Drill"][7:] == ["", "", ""]
    readme = archive.read("README.txt").decode()
    assert f"Employee {team.worker} (Wes Worker)" in readme
    assert "Exported by: hr <hr@example.com>" in readme
    assert re.search(r"Exported at: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(", readme)
    assert "Records: 2" in readme and "Evidence files: 1" in readme
    assert sorted(archive.namelist()) == sorted(["compliance.csv", forklift[8], "README.txt", "transcript.html"])


def test_compliance_type_export_lists_every_employee_of_the_type(team: Team) -> None:
    archive = _zip(team.api, HRM, compliance_type="Forklift Safety")
    rows = _csv(archive)[1:]
    assert sorted(row[1] for row in rows) == ["Lee Lead", "Sam Stranger", "Wes Worker"]
    assert {row[3] for row in rows} == {"Forklift Safety"}
    assert "Compliance Type Forklift Safety" in archive.read("README.txt").decode()


def test_formula_cells_are_quoted(team: Team) -> None:
    with team.api.handle.context():
        sly = make_employee("=HYPERLINK(\"http://evil\")", last_name="@x", department="Warehouse")
        smooth.get_doc({"doctype": "Employee Compliance", "employee": sly, "compliance_type": "Fire Drill",
                        "notes": "+1"}).insert()
        smooth.db.commit()
    rows = _csv(_zip(team.api, HR, employee=sly))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\") @x"
    assert audit_export.cell("-2+3") == "'-2+3" and audit_export.cell("\tx") == "'\tx"
    assert audit_export.cell("plain") == "plain" and audit_export.cell(None) == ""


def test_export_is_refused_without_the_export_right(team: Team) -> None:
    refused = team.api.call(METHOD, user=BOSS, employee=team.worker)  # a manager: read, no export
    assert refused.status_code == 403 and "may not export Employee Compliance" in refused.text
    reader = add_user(team.api, "reader@example.com", "Course Creator")
    assert team.api.call(METHOD, user=reader, employee=team.worker).status_code == 403
    assert team.api.call(METHOD, user=None, employee=team.worker).status_code in (401, 403)


def test_scope_must_be_one_existing_employee_or_type(team: Team) -> None:
    neither = team.api.call(METHOD, user=HR)
    assert neither.status_code >= 400 and "Choose an employee or a compliance type" in neither.text
    both = team.api.call(METHOD, user=HR, employee=team.worker, compliance_type="Fire Drill")
    assert both.status_code >= 400 and "one of the two" in both.text
    missing = team.api.call(METHOD, user=HR, employee="HR-EMP-99999")
    assert missing.status_code == 404 and "No employee has the ID or the name 'HR-EMP-99999'" in missing.text


def test_desk_buttons_and_dashboard_form_lead_to_the_download(team: Team) -> None:
    form = team.api.get(f"/app/employee/{team.worker}", user=HR).text
    button = re.search(r'name="action" value="(button:\d+)"[^>]*>Audit export</button>', form)
    assert button, "the Employee form offers Audit export to HR"
    modified = re.search(r'name="modified" value="([^"]*)"', form)
    assert modified
    moved = team.api.post(f"/app/employee/{team.worker}", user=HR, follow_redirects=False,
                          data={"action": button.group(1), "modified": modified.group(1)})
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/app/compliance-dashboard?export=1&employee={team.worker}#hr-export"
    assert _zip_of(team.api.get(moved.headers["location"], user=HR))
    assert "Audit export</button>" not in team.api.get(f"/app/employee/{team.worker}", user=BOSS).text
    type_form = team.api.get("/app/compliance-type/Fire Drill", user=HR).text
    assert "Audit export</button>" in type_form
    dashboard = team.api.get("/app/compliance-dashboard", user=HR).text
    assert 'action="/app/compliance-dashboard"' in dashboard and 'name="export" value="1"' in dashboard
    employee_input = r'<input id="export-employee" name="employee"[^>]*list="export-employee-list" data-link="Employee"'
    assert re.search(employee_input, dashboard)  # a Link with type-ahead, not a plain text box


def _zip_of(response: object) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip", response.text[:800]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_dashboard_export_answers_with_the_page_and_its_message(team: Team) -> None:
    """Nothing chosen, or a name nobody has: the dashboard again with the reason, what was typed kept."""
    url = "/app/compliance-dashboard"
    nothing = team.api.get(url, user=HR, params={"export": "1", "employee": "", "compliance_type": ""})
    assert nothing.status_code == 417 and nothing.headers["content-type"].startswith("text/html")
    assert re.search(r'role="alert" id="export-error"><p>Choose an employee or a compliance type', nothing.text)
    unknown = team.api.get(url, user=HR, params={"export": "1", "employee": "Nobody Known"})
    assert unknown.status_code == 404 and "No employee has the ID or the name &#39;Nobody Known&#39;" in unknown.text
    assert 'value="Nobody Known"' in unknown.text and "By status" in unknown.text  # the page, the typed name
    by_name = _zip_of(team.api.get(url, user=HR, params={"export": "1", "employee": "Wes Worker"}))
    assert {row[0] for row in _csv(by_name)[1:]} == {team.worker}  # a typed full name finds the employee
    by_type = _zip_of(team.api.get(url, user=HR, params={"export": "1", "compliance_type": "Fire Drill"}))
    assert {row[3] for row in _csv(by_type)[1:]} == {"Fire Drill"}


def test_an_api_url_opened_in_the_browser_fails_with_a_page(team: Team) -> None:
    """A link or redirect a browser follows to /api/method gets a page when refused; a script keeps its JSON."""
    page = team.api.get(f"/api/method/{METHOD}", user=HR, headers={"Sec-Fetch-Mode": "navigate"})
    assert page.status_code == 417 and page.headers["content-type"].startswith("text/html")
    assert "Choose an employee or a compliance type" in page.text and '"exc_type"' not in page.text
    typed = team.api.get(f"/api/method/{METHOD}", user=HR, headers={"Accept": "text/html,application/xhtml+xml"})
    assert typed.headers["content-type"].startswith("text/html")
    script = team.api.get(f"/api/method/{METHOD}", user=HR, headers={"Sec-Fetch-Mode": "cors"})
    assert script.status_code == 417 and script.json()["exc_type"] == "ValidationError"


@pytest.mark.both_backends  # keyset paging: the database orders and pages the rows
def test_rows_are_read_a_page_at_a_time(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_export, "PAGE", 2)
    with team.api.handle.context(user=HR):
        shared = smooth.get_doc("Employee Compliance", team.rows["lead/Forklift Safety"])
        shared.db_set("evidence", team.evidence)  # one document, evidence of two rows: stored once
        out = io.BytesIO()
        rows, files = audit_export.write_zip(out, {"compliance_type": "Forklift Safety"}, "test")
        smooth.db.rollback()
    archive = zipfile.ZipFile(out)
    assert (rows, files) == (3, 1)
    assert len(_csv(archive)) == 4 and len([n for n in archive.namelist() if n.startswith("evidence/")]) == 1


def test_a_file_download_is_sent_from_disk_and_a_temporary_one_removed(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK zip")
    response = file_download(smooth.FileDownload(path, "audit Ünïcode.zip", "application/zip", remove_after=True))
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"audit ?n?code.zip\"; filename*=UTF-8''audit%20%C3%9Cn%C3%AFcode.zip")
    assert response.headers["content-type"] == "application/zip" and response.background is not None
    task = response.background
    task.func(*task.args, **task.kwargs)  # what the server runs once the body is sent
    assert not path.exists()
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"%PDF")
    assert file_download(smooth.FileDownload(kept, "kept.pdf")).background is None


def test_the_export_holds_the_access_log_and_is_logged_itself(team: Team) -> None:
    """Who opened the exported records is in access_log.csv (for an HR Manager, who may read the Access Log);
    the export is an Access Log entry of its own."""
    _clear_access_log(team.api)
    assert team.api.get(f"/api/resource/Employee/{team.worker}", user=HRM).status_code == 200
    try:
        archive = _zip(team.api, HRM, employee=team.worker)
        logged = list(csv.reader(io.StringIO(archive.read("access_log.csv").decode("utf-8-sig"))))
        assert logged[0] == list(audit_export.ACCESS_COLUMNS)
        assert [row[1:5] for row in logged[1:]] == [[HRM, "Open", "Employee", team.worker]]
        with team.api.handle.context():
            exports = smooth.get_all("Access Log", filters={"method": "Export"},
                                     fields=["user", "export_from", "reference_document"])
        assert exports == [{"user": HRM, "export_from": "Employee Compliance",
                            "reference_document": f"Employee {team.worker} (Wes Worker)"}]
        assert "access_log.csv" not in _zip(team.api, HR, employee=team.worker).namelist()  # HR User: no
    finally:
        _clear_access_log(team.api)


def _clear_access_log(api: Api) -> None:
    with api.handle.context():
        smooth.db.delete("Access Log", {})
        smooth.db.commit()


def test_an_employee_export_carries_their_scorm_results(team: Team) -> None:
    """Bought-in compliance training is a SCORM package: its score and time reach the auditor (and the transcript)."""
    with team.api.handle.context():
        course = smooth.get_doc({"doctype": "LMS Course", "title": "Forklift eLearning", "published": 1}).insert().name
        lesson = scorm_packages.scorm_lesson(course, scorm_packages.package_12(), "Forklift module")
        smooth.set_user("worker@example.com")
        learning.enroll(course)
        runtime.commit(lesson, 1, "session00001", {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "92",
                                                   "cmi.core.session_time": "0000:14:30"})
        smooth.set_user("Administrator")
        smooth.db.commit()
    archive = _zip(team.api, HR, employee=team.worker)
    rows = list(csv.reader(io.StringIO(archive.read("scorm_results.csv").decode())))
    assert rows[0] == list(audit_export.SCORM_COLUMNS)
    assert rows[1][:9] == [course, lesson, "1", "1.2", "passed", "passed", "92.0", "0.92", "1"]
    assert rows[1][10] == "0000:14:30.00"
    assert "scorm_results.csv lists" in archive.read("README.txt").decode()
    transcript = archive.read("transcript.html").decode()
    assert "SCORM results" in transcript and "Forklift module" in transcript and "score 92" in transcript
