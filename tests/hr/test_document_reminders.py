"""Staged expiry reminders of filed Employee Documents (employee, manager, HR; once per stage across missed runs
and two schedulers), the dashboard's expiring documents, and the warning when a Compliance Type and the document
type it requires renew on different periods.

SQLite only but for the date windows and the race (both_backends).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import smooth
from smooth.jobs.execute import call as run_as_job
from smooth_hr.compliance_dashboard import expiring_documents
from smooth_hr.document_reminders import send_document_reminders, stage_on
from tests.api.helpers import Api
from tests.conftest import SiteHandle, make_user
from tests.hr import compliance_helpers
from tests.hr.compliance_helpers import staff, subjects, to, two_schedulers
from tests.hr.conftest import make_compliance_type, make_document_type
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import SmtpServer
from tests.pages.served import served, served_site  # noqa: F401  (the LMS + HR site served, user by header)

hr_mail = compliance_helpers.hr_mail  # the fixtures, for pytest to find in this module
smtp_server = mail_fixtures.smtp_server
EMPLOYEE, MANAGER, HR = "eli@example.com", "mona@example.com", "hana@example.com"


def file_document(employee: str, expiry: dt.date, kind: str = "Forklift Licence", **values: Any) -> str:
    with smooth.unit_of_work():
        stored = smooth.new_doc("File", file_name="licence.pdf", is_private=1)
        stored.content = b"%PDF-1.4 licence"
        stored.insert()
        return smooth.get_doc({"doctype": "Employee Document", "employee": employee, "document_type": kind,
                               "title": "Forklift licence", "file": stored.file_url,
                               "issue_date": expiry - dt.timedelta(days=700), "expiry_date": expiry,
                               **values}).insert().name


def test_the_stage_due_on_a_day() -> None:
    expiry = dt.date(2027, 6, 30)
    due = {left: stage_on(expiry - dt.timedelta(days=left), expiry, 30) for left in (31, 30, 8, 7, 1, 0, -30, -31)}
    assert due == {31: None, 30: "30", 8: "30", 7: "7", 1: "7", 0: "Expired", -30: "Expired", -31: None}
    assert stage_on(expiry - dt.timedelta(days=5), expiry, 5) == "5"
    assert stage_on(expiry, expiry, 0) is None  # no lead time: the type is not reminded of


@pytest.mark.both_backends  # the expiry window is a range read each database answers
def test_each_stage_goes_once_to_employee_manager_and_hr_across_missed_runs(hr_mail: SiteHandle,
                                                                          smtp_server: SmtpServer) -> None:
    today = smooth.today()
    with smooth.unit_of_work():
        make_user(HR, "HR Manager")
        make_document_type("Forklift Licence", default_validity_months=24, reminder_lead_days=30)
    employee, _manager = staff()
    expiry = today + dt.timedelta(days=40)
    licence = file_document(employee, expiry)
    old = file_document(employee, today + dt.timedelta(days=20))
    with smooth.unit_of_work():  # renewed: the old licence is done with
        smooth.db.set_value("Employee Document", old, "superseded_by", licence)
    # daily, but the scheduler was down from 29 to 6 days left: the 30-day stage went, the 7-day one is caught up
    for left in (45, 31, 30, 30, 29, 5, 4, 1, 0, -1, -40):
        run_as_job(send_document_reminders, expiry - dt.timedelta(days=left))
    when = f"{expiry:%a} {expiry.day} {expiry:%b %Y}"
    expected = [f"Expiring: your Forklift licence expires on {when}"] * 2 + [
        f"Expired: your Forklift licence lapsed on {when}"]
    assert subjects(smtp_server, EMPLOYEE) == expected
    theirs = [subject.replace("your", "Eli Worker's") for subject in expected]
    assert subjects(smtp_server, MANAGER) == theirs
    assert subjects(smtp_server, HR) == theirs
    stages = smooth.get_all("HR Notification Log", filters={"employee_document": licence}, pluck="stage",
                            order_by="creation asc")
    assert stages == ["30", "7", "Expired"]
    assert not smooth.db.exists("HR Notification Log", {"employee_document": old})


@pytest.mark.both_backends  # a race the database's locks settle
def test_two_schedulers_at_once_send_each_stage_once(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    today = smooth.today()
    with smooth.unit_of_work():
        make_document_type("Forklift Licence", default_validity_months=24, reminder_lead_days=30)
    employee, _manager = staff()
    for days in range(6):
        file_document(employee, today + dt.timedelta(days=10 + days))
    outcomes = two_schedulers(hr_mail, send_document_reminders, today)
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sum(o["sent"] for o in outcomes) == 6
    assert len(to(smtp_server, EMPLOYEE)) == 6 and len(to(smtp_server, MANAGER)) == 6
    assert smooth.db.count("HR Notification Log", {"kind": "Document Expiry"}) == 6


def test_a_compliance_type_warns_when_its_document_renews_on_another_period(hr_mail: SiteHandle) -> None:
    with smooth.unit_of_work():
        make_document_type("Forklift Licence", default_validity_months=24)
        smooth.local.message_log.clear()
        make_compliance_type("Forklift Safety", renewal_period_months=12, document_type="Forklift Licence")
        (warning,) = smooth.local.message_log
        assert warning["title"] == "Validity periods disagree" and warning["indicator"] == "orange"
        assert warning["message"].startswith("Forklift Safety renews every 12 months, but the Forklift Licence it "
                                             "requires is renewed every 24 months")
        smooth.local.message_log.clear()
        kind = smooth.get_doc("Employee Document Type", "Forklift Licence")
        kind.default_validity_months = 12  # aligned from the document type's side: no warning
        kind.save()
        assert smooth.local.message_log == []
        kind.default_validity_months = 0
        kind.save()
        assert "is renewed never (no expiry)" in smooth.local.message_log[0]["message"]


def test_the_dashboard_lists_expiring_documents(served: Api) -> None:  # noqa: F811
    """The compliance dashboard's card and its REST twin."""
    pages = served
    today = smooth.today()
    with pages.handle.context():
        make_user(HR, "HR Manager")
        make_document_type("Forklift Licence", default_validity_months=24, reminder_lead_days=30)
        smooth.db.commit()
    with pages.handle.context():
        employee, _manager = staff()
        soon = file_document(employee, today + dt.timedelta(days=12))
        file_document(employee, today + dt.timedelta(days=90))
        file_document(employee, today - dt.timedelta(days=3))
        counted = expiring_documents()
    assert (counted["count"], counted["expired"], [row["name"] for row in counted["rows"]]) == (1, 1, [soon])
    page = pages.get("/app/compliance-dashboard", user=HR)
    assert page.status_code == 200, page.text[:500]
    assert '<span class="hr-number" data-documents="expiring">1</span>' in page.text
    assert '<span class="hr-number" data-documents="expired">1</span>' in page.text
    assert f'href="/app/employee-document/{soon}">Forklift licence</a>' in page.text
    rest = pages.call("smooth_hr.compliance_dashboard.get_dashboard", user=HR).json()["message"]
    assert rest["expiring_documents"]["count"] == 1
