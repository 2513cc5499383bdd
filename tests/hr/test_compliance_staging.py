"""The daily compliance job follows rows, not the calendar: each row's stored next action date (issue 27, item 3).

A corrected or imported row is re-staged on save, a week of missed runs sends each reminder once,
the patch stages rows written before the column, and the job's memory does not grow with the
table. The reads are indexed ranges and set-based UPDATEs with no dialect in them: SQLite only
(the MariaDB plans are measured by benchmarks/scale_compliance.py; the two-worker race and the
status pass run on both backends in test_compliance_reminders.py and test_compliance_job.py).
"""

from __future__ import annotations

import datetime as dt
import tracemalloc

from sqlalchemy import insert

import smooth
from smooth.jobs.execute import call as run_as_job
from smooth.model.document import Document
from smooth_hr.compliance_job import run_daily_compliance
from smooth_hr.patches.v0_1 import stage_compliance_rows as patch
from tests.conftest import SiteHandle
from tests.hr import compliance_helpers
from tests.hr.compliance_helpers import staff, subjects, to
from tests.hr.conftest import make_compliance_type, make_employee
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import SmtpServer

EMPLOYEE = "eli@example.com"

hr_mail = compliance_helpers.hr_mail  # the fixtures, for pytest to find in this module
smtp_server = mail_fixtures.smtp_server


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def next_action(name: str) -> dt.date | None:
    value = smooth.db.get_value("Employee Compliance", name, "next_action_date")
    return smooth.getdate(value) if value else None


def save_completion(name: str, completion: dt.date) -> Document:
    with smooth.unit_of_work():
        doc = smooth.get_doc("Employee Compliance", name)
        doc.completion_date = completion
        doc.save()
    return doc


def insert_row(employee: str, kind: str, completion: dt.date) -> Document:
    with smooth.unit_of_work():
        return smooth.get_doc({"doctype": "Employee Compliance", "employee": employee, "compliance_type": kind,
                               "status": "Complete", "completion_date": completion}).insert()


def test_a_corrected_renewal_is_restaged_and_reminded(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    make_compliance_type("Forklift Safety", reminder_days="60, 30")
    employee, _manager = staff()
    today = smooth.today()
    row = insert_row(employee, "Forklift Safety", today - days(340))
    first = smooth.getdate(row.renewal_date)
    assert row.status == "Expiring" and next_action(row.name) == today  # inside the 30-day stage when saved
    run_as_job(run_daily_compliance, today)
    assert len(to(smtp_server, EMPLOYEE)) == 1 and next_action(row.name) == first + days(1)
    # HR corrects the completion date: the renewal moves out of every window, to a stage starting in 5 days
    moved = save_completion(row.name, today - days(300))
    second = smooth.getdate(moved.renewal_date)
    assert moved.status == "Complete" and next_action(row.name) == second - days(60) == today + days(5)
    run_as_job(run_daily_compliance, today + days(4))
    assert len(to(smtp_server, EMPLOYEE)) == 1
    run_as_job(run_daily_compliance, today + days(5))
    assert subjects(smtp_server, EMPLOYEE)[-1].endswith(f"expires on {second:%a} {second.day} {second:%b %Y}")
    assert "in 60 days" in str(to(smtp_server, EMPLOYEE)[-1].message.get_body(("html",)).get_content())
    run_as_job(run_daily_compliance, first + days(1))  # the old renewal's Expired notice is not sent: it moved
    assert len(to(smtp_server, EMPLOYEE)) == 2
    # corrected again, to a lapse: due at once, its Expired notice goes on the next run
    lapsed = save_completion(row.name, today - days(380))
    assert lapsed.status == "Expired" and next_action(row.name) == today
    run_as_job(run_daily_compliance, today)
    assert subjects(smtp_server, EMPLOYEE)[-1].startswith("Expired: your Forklift Safety lapsed on")
    assert len(to(smtp_server, EMPLOYEE)) == 3 and next_action(row.name) is None


def test_an_imported_row_with_a_past_boundary_is_caught(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    make_compliance_type("First Aid", reminder_days="90, 30")
    today = smooth.today()
    with smooth.unit_of_work():
        late = make_employee("Lia", company_email="lia@example.com")
        old = make_employee("Olaf", company_email="olaf@example.com")
    due = insert_row(late, "First Aid", today - days(350))  # its 30-day stage began 15 days ago
    history = insert_row(old, "First Aid", today - days(500))  # lapsed months ago: history, mails no one
    assert next_action(due.name) == today and next_action(history.name) is None
    result = run_as_job(run_daily_compliance, today)
    assert result["reminders"]["sent"] == 1
    assert "in 15 days" in str(to(smtp_server, "lia@example.com")[0].message.get_body(("html",)).get_content())
    run_as_job(run_daily_compliance, today + days(1))
    assert len(to(smtp_server, "lia@example.com")) == 1 and not to(smtp_server, "olaf@example.com")
    assert smooth.get_all("HR Notification Log", filters={"compliance": due.name}, pluck="stage") == ["30"]


def test_a_week_of_missed_runs_sends_each_reminder_once(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    make_compliance_type("Fire Warden", reminder_days="30, 7")
    today = smooth.today()
    rows = []
    for k in range(7):  # their 30-day stages begin on each day of the week the scheduler was down
        with smooth.unit_of_work():
            person = make_employee(f"Warden{k}", company_email=f"warden{k}@example.com")
        rows.append(insert_row(person, "Fire Warden", today - days(k)))
    starts = sorted(smooth.getdate(row.renewal_date) - days(30) for row in rows)
    last_run = starts[0] - days(1)
    assert run_as_job(run_daily_compliance, last_run)["reminders"]["sent"] == 0
    back = starts[-1] + days(1)  # the scheduler is back after 7 days
    assert run_as_job(run_daily_compliance, back)["reminders"]["sent"] == 7
    replayed = [run_as_job(run_daily_compliance, day)["reminders"]["sent"] for day in starts]  # a catch-up by hand
    assert replayed == [0] * 7
    assert run_as_job(run_daily_compliance, back + days(1))["reminders"]["sent"] == 0
    for k in range(7):
        assert len(to(smtp_server, f"warden{k}@example.com")) == 1
    assert sorted(smooth.get_all("HR Notification Log", filters={"kind": "Reminder"}, pluck="stage")) == ["30"] * 7


def test_the_patch_and_a_new_schedule_stage_rows_written_before(lms: SiteHandle) -> None:
    make_compliance_type("Fire Warden", reminder_days="60")
    today = smooth.today()
    done = {"inside": today - days(320), "ahead": today - days(100), "lapsed": today - days(500)}
    rows = {key: insert_row(make_employee(key.title()), "Fire Warden", completion) for key, completion in done.items()}
    renewal = {key: smooth.getdate(row.renewal_date) for key, row in rows.items()}
    with smooth.unit_of_work():
        smooth.db.set_value("Employee Compliance", {"compliance_type": "Fire Warden"}, {"next_action_date": None})
        patch.execute()
    assert {key: next_action(row.name) for key, row in rows.items()} == {
        "inside": today, "ahead": renewal["ahead"] - days(60), "lapsed": None}
    with smooth.unit_of_work():
        kind = smooth.get_doc("Compliance Type", "Fire Warden")
        kind.reminder_days = "90, 30"
        kind.save()
    assert next_action(rows["ahead"].name) == renewal["ahead"] - days(90)


def bulk_rows(count: int, start: int, day: dt.date) -> None:
    """`count` Expiring rows due on `day`, each with an employee and its 30-day stage already claimed."""
    renewal = day + days(10)
    now = smooth.now_datetime()
    standard = {"owner": "Administrator", "creation": now, "modified": now, "modified_by": "Administrator",
                "docstatus": 0, "idx": 0}
    employees, rows, logs = [], [], []
    for i in range(start, start + count):
        employee, name = f"HR-EMP-T{i:06d}", f"HR-COMP-T{i:06d}"
        employees.append({**standard, "name": employee, "first_name": f"P{i}", "employee_name": f"P{i}",
                          "status": "Active", "company_email": f"p{i}@example.com", "date_of_joining": day})
        rows.append({**standard, "name": name, "employee": employee, "compliance_type": "Fire Warden",
                     "status": "Expiring", "completion_date": renewal - days(365), "renewal_date": renewal,
                     "next_action_date": day})
        logs.append({**standard, "name": f"log-T{i:06d}", "key": f"reminder|{name}|{renewal}|30", "kind": "Reminder",
                     "stage": "30", "compliance": name, "employee": employee, "renewal_date": renewal})
    with smooth.unit_of_work():
        for doctype, values in (("Employee", employees), ("Employee Compliance", rows), ("HR Notification Log", logs)):
            smooth.db.execute(insert(smooth.db.table(doctype)), values, write=True)


def job_peak(day: dt.date) -> int:
    tracemalloc.start()
    try:
        run_as_job(run_daily_compliance, day)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_jobs_memory_does_not_grow_with_the_table(lms: SiteHandle) -> None:
    make_compliance_type("Fire Warden", reminder_days="30")
    day = smooth.today() + days(400)
    run_as_job(run_daily_compliance, day - days(1))  # warm the caches
    bulk_rows(600, 0, day)
    small = job_peak(day)
    later = day + days(5)  # the first rows' next stage (their lapse) is after this day
    bulk_rows(3_000, 600, later)
    large = job_peak(later)
    assert smooth.db.count("Employee Compliance", {"next_action_date": ["between", [day, later]]}) == 0
    assert large < small * 1.5, f"peak {large / 1e6:.2f} MB over 3,000 due rows vs {small / 1e6:.2f} MB over 600"
