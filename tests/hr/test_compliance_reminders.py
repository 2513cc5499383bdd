"""Staged compliance reminders (employee + manager copy), once per stage and renewal, and closed-loop retraining."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth.jobs.execute import call as run_as_job
from smooth_hr.compliance_job import run_daily_compliance
from smooth_hr.compliance_reminders import send_reminders, stage_windows
from tests.conftest import SiteHandle, make_user
from tests.hr import compliance_helpers
from tests.hr.compliance_helpers import body, completed_row, staff, subjects, to, two_schedulers
from tests.hr.conftest import make_compliance_type, make_employee
from tests.lms.conftest import make_course
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import SmtpServer

EMPLOYEE, MANAGER = "eli@example.com", "mona@example.com"

hr_mail = compliance_helpers.hr_mail  # the fixtures, for pytest to find in this module
smtp_server = mail_fixtures.smtp_server


def day_text(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def test_stage_windows_give_each_day_its_latest_stage() -> None:
    assert stage_windows([90, 60, 30, 7]) == [("7", 0, 7), ("30", 8, 30), ("60", 31, 60), ("90", 61, 90),
                                              ("Expired", -30, -1)]
    assert stage_windows([]) == [("Expired", -30, -1)]


def test_each_stage_goes_once_to_employee_and_manager_across_daily_runs(hr_mail: SiteHandle,
                                                                         smtp_server: SmtpServer) -> None:
    make_compliance_type("Forklift Safety", reminder_days="90, 60, 30, 7")
    employee, _manager = staff()
    row = completed_row(employee, "Forklift Safety")
    renewal = smooth.getdate(row.renewal_date)
    for days_left in (120, 91, 90, 89, 75, 60, 59, 45, 30, 29, 8, 7, 3, 0, -1, -2, -20):
        run_as_job(run_daily_compliance, renewal - dt.timedelta(days=days_left))
    when = day_text(renewal)
    assert subjects(smtp_server, EMPLOYEE) == [f"Renewal due: your Forklift Safety expires on {when}"] * 4 + [
        f"Expired: your Forklift Safety lapsed on {when}"]
    assert subjects(smtp_server, MANAGER) == [f"Renewal due: Eli Worker's Forklift Safety expires on {when}"] * 4 + [
        f"Expired: Eli Worker's Forklift Safety lapsed on {when}"]
    days = [" in 90 days", " in 60 days", " in 30 days", " in 7 days"]
    for mail, days_text in zip(to(smtp_server, EMPLOYEE), days, strict=False):
        assert f"Your Forklift Safety expires on {when}, {days_text.strip()}." in body(mail)
    assert "has expired" in body(to(smtp_server, EMPLOYEE)[-1])
    manager_copy = body(to(smtp_server, MANAGER)[0])
    assert "Eli Worker reports to you" in manager_copy and "Hello Mona Manager" in manager_copy
    stages = smooth.get_all("HR Notification Log", filters={"compliance": row.name, "kind": "Reminder"},
                            pluck="stage", order_by="creation asc")
    assert stages == ["90", "60", "30", "7", "Expired"]


def test_each_recipient_reads_the_reminder_in_their_own_language(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    """A German employee's reminder is German, its date too; their English manager's copy stays English (the
    rendered Email Queue rows)."""
    make_compliance_type("Forklift Safety", reminder_days="30")
    employee, _manager = staff()
    with smooth.unit_of_work():
        smooth.db.set_value("User", EMPLOYEE, "language", "de")
    row = completed_row(employee, "Forklift Safety")
    renewal = smooth.getdate(row.renewal_date)
    run_as_job(run_daily_compliance, renewal - dt.timedelta(days=20))
    mails = {mail["subject"]: mail["message_html"] for mail in smooth.get_all(
        "Email Queue", filters={"reference_name": row.name}, fields=["subject", "message_html"])}
    german_day = smooth.strftime(renewal, "%a %-d %b %Y", "de")
    german = mails.pop(f"Erneuerung fällig: Ihr Nachweis „Forklift Safety“ läuft am {german_day} ab")
    assert f"Ihr Nachweis „Forklift Safety“ läuft in 20 Tagen ab (am {german_day})." in german
    assert "Guten Tag Eli Worker" in german and "Was zu tun ist:" in german and "expires" not in german
    assert list(mails) == [f"Renewal due: Eli Worker's Forklift Safety expires on {day_text(renewal)}"]
    assert "Eli Worker reports to you" in next(iter(mails.values()))


def test_a_missed_run_sends_only_the_latest_stage_due(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    make_compliance_type("Forklift Safety", reminder_days="90, 60, 30, 7")
    employee, _manager = staff()
    row = completed_row(employee, "Forklift Safety")
    renewal = smooth.getdate(row.renewal_date)
    run_as_job(run_daily_compliance, renewal - dt.timedelta(days=120))
    run_as_job(run_daily_compliance, renewal - dt.timedelta(days=20))  # the scheduler was down from day 120 to day 20
    assert len(to(smtp_server, EMPLOYEE)) == 1
    assert "in 20 days" in body(to(smtp_server, EMPLOYEE)[0])
    assert smooth.get_all("HR Notification Log", filters={"compliance": row.name}, pluck="stage") == ["30"]
    run_as_job(run_daily_compliance, renewal + dt.timedelta(days=3))  # down again, past the lapse: expiry notice only
    assert [s.split(":")[0] for s in subjects(smtp_server, EMPLOYEE)] == ["Renewal due", "Expired"]
    run_as_job(run_daily_compliance, renewal + dt.timedelta(days=60))
    assert len(to(smtp_server, EMPLOYEE)) == 2


def test_a_renewal_starts_the_stages_again(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    make_compliance_type("Forklift Safety", reminder_days="30", renewal_period_months=12)
    employee, _manager = staff()
    row = completed_row(employee, "Forklift Safety", smooth.today() - dt.timedelta(days=350))
    first = smooth.getdate(row.renewal_date)
    run_as_job(run_daily_compliance, smooth.today())
    assert len(to(smtp_server, EMPLOYEE)) == 1
    with smooth.unit_of_work():
        doc = smooth.get_doc("Employee Compliance", row.name)
        doc.completion_date = smooth.today()
        doc.save()
    second = smooth.getdate(doc.renewal_date)
    assert doc.status == "Complete" and second > first
    run_as_job(run_daily_compliance, smooth.today())
    assert len(to(smtp_server, EMPLOYEE)) == 1
    run_as_job(run_daily_compliance, second - dt.timedelta(days=30))
    assert subjects(smtp_server, EMPLOYEE)[-1] == f"Renewal due: your Forklift Safety expires on {day_text(second)}"
    assert len(to(smtp_server, EMPLOYEE)) == 2


def test_who_gets_the_reminder(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    make_compliance_type("First Aid", reminder_days="30")
    employee, manager = staff(employee_email=None, company_email="eli.private@example.com")
    with smooth.unit_of_work():
        alone = make_employee("Ola")  # no user, no email, no manager
        make_user("pat@example.com")
        gone = make_employee("Pat", "pat@example.com", status="Left", relieving_date=smooth.today())
    rows = {who: completed_row(person, "First Aid")
            for who, person in (("eli", employee), ("ola", alone), ("mona", manager), ("pat", gone))}
    renewal = smooth.getdate(rows["eli"].renewal_date)
    result = run_as_job(run_daily_compliance, renewal - dt.timedelta(days=10))
    assert result["reminders"] == {"sent": 2, "without_address": [rows["ola"].name]}
    received = {address: subjects(smtp_server, address) for address in (
        "eli.private@example.com", MANAGER, "pat@example.com")}
    when = day_text(renewal)
    assert received == {  # the employee's company email (no user), the manager's own and Eli's copy, not who left
        "eli.private@example.com": [f"Renewal due: your First Aid expires on {when}"],
        MANAGER: sorted([f"Renewal due: your First Aid expires on {when}",
                         f"Renewal due: Eli Worker's First Aid expires on {when}"], key=received[MANAGER].index),
        "pat@example.com": []}
    logged = smooth.get_all("HR Notification Log", filters={"kind": "Reminder", "compliance": rows["ola"].name},
                            fields=["note", "recipients"])
    assert logged == [{"note": "Neither the employee nor their manager has a user or a company email",
                       "recipients": ""}]
    assert not smooth.db.exists("HR Notification Log", {"compliance": rows["pat"].name})
    run_as_job(run_daily_compliance, renewal - dt.timedelta(days=9))
    assert len(smtp_server.sink.received) == 3


@pytest.mark.both_backends  # a race the database's locks settle
def test_two_workers_at_once_send_each_reminder_once(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    make_compliance_type("Forklift Safety", reminder_days="30")
    _employee, manager = staff()
    rows = []
    for index in range(12):
        with smooth.unit_of_work():
            make_user(f"worker{index}@example.com")
            person = make_employee(f"Worker{index}", f"worker{index}@example.com", reports_to=manager)
        rows.append(completed_row(person, "Forklift Safety"))
    renewal = smooth.getdate(rows[0].renewal_date)
    day = renewal - dt.timedelta(days=12)
    run_as_job(run_daily_compliance, day - dt.timedelta(days=60))
    with smooth.unit_of_work():
        smooth.db.set_value("Employee Compliance", {"compliance_type": "Forklift Safety"}, {"status": "Expiring"})
    outcomes = two_schedulers(hr_mail, send_reminders, day)
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sum(o["sent"] for o in outcomes) == 12
    for index in range(12):
        assert len(to(smtp_server, f"worker{index}@example.com")) == 1
    assert len(to(smtp_server, MANAGER)) == 12
    assert smooth.db.count("HR Notification Log", {"kind": "Reminder"}) == 12


def test_an_expiring_row_assigns_its_course_once(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    course = make_course("Forklift Refresher")
    make_compliance_type("Forklift Safety", reminder_days="60, 30", course=course)
    employee, _manager = staff()
    row = completed_row(employee, "Forklift Safety")
    renewal = smooth.getdate(row.renewal_date)
    assert run_as_job(run_daily_compliance, renewal - dt.timedelta(days=61))["retraining"]["assigned"] == 0
    for days_left in (60, 59, 30, -1):
        run_as_job(run_daily_compliance, renewal - dt.timedelta(days=days_left))
    (assignment,) = smooth.get_all("LMS Training Assignment", filters={"member": EMPLOYEE},
                                   fields=["course", "due_date", "reference_doctype", "reference_name", "status"])
    assert assignment == {"course": course, "due_date": renewal, "reference_doctype": "Employee Compliance",
                          "reference_name": row.name, "status": "Open"}
    assert smooth.db.count("LMS Enrollment", {"member": EMPLOYEE, "course": course}) == 1
    first = to(smtp_server, EMPLOYEE)[0]
    assert "Complete the course and pass its evaluation before" in body(first)
    assert "Forklift Refresher</a>" in body(first)
    assert f"/lms/courses/{course}" in body(first)


def test_an_employee_without_a_user_is_reported_once_and_assigned_once_linked(
        hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    course = make_course("First Aid Refresher")
    make_compliance_type("First Aid", reminder_days="30", course=course)
    employee, _manager = staff(employee_email=None)
    row = completed_row(employee, "First Aid")
    renewal = smooth.getdate(row.renewal_date)
    results = [run_as_job(run_daily_compliance, renewal - dt.timedelta(days=days_left)) for days_left in (30, 29)]
    assert [r["retraining"]["without_user"] for r in results] == [[row.name], [row.name]]
    (error,) = smooth.get_all("Error Log", fields=["error", "reference_name"])
    assert error["reference_name"] == row.name
    assert "has no User" in error["error"] and "Link a User on the Employee" in error["error"]
    with smooth.unit_of_work():
        make_user("eli.late@example.com", "LMS Student")
        smooth.db.set_value("Employee", employee, {"user_id": "eli.late@example.com"})
    assert run_as_job(run_daily_compliance, renewal - dt.timedelta(days=28))["retraining"]["assigned"] == 1
    assert smooth.db.count("LMS Training Assignment", {"member": "eli.late@example.com", "course": course}) == 1
    assert smooth.db.count("Error Log") == 1
