"""The daily compliance job: statuses follow a controlled clock, set-based, and the scheduler runs it."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth.jobs.scheduler import tick
from smooth_hr.compliance_job import run_daily_compliance, update_statuses
from tests.conftest import SiteHandle
from tests.hr import compliance_helpers
from tests.hr.compliance_helpers import completed_row, staff, subjects
from tests.hr.conftest import make_compliance_type, make_employee
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import SmtpServer

pytestmark = pytest.mark.both_backends  # statuses are set-based UPDATEs over date comparisons

JOB = "smooth_hr.compliance_job.run_daily_compliance (daily)"

hr_mail = compliance_helpers.hr_mail  # the fixtures, for pytest to find in this module
smtp_server = mail_fixtures.smtp_server


def status(name: str) -> str:
    return str(smooth.db.get_value("Employee Compliance", name, "status"))


def test_statuses_follow_the_clock(lms: SiteHandle) -> None:
    make_compliance_type("Forklift Safety", reminder_days="90, 60, 30, 7")
    row = completed_row(make_employee("Kim"), "Forklift Safety")
    renewal = smooth.getdate(row.renewal_date)
    assert row.status == "Complete"
    counts = update_statuses(renewal - dt.timedelta(days=91))
    assert counts == {"Expired": 0, "Expiring": 0, "Complete": 0} and status(row.name) == "Complete"
    assert update_statuses(renewal - dt.timedelta(days=90))["Expiring"] == 1
    assert status(row.name) == "Expiring"
    assert update_statuses(renewal) == {"Expired": 0, "Expiring": 0, "Complete": 0}  # the last day still counts
    assert update_statuses(renewal + dt.timedelta(days=1))["Expired"] == 1
    assert status(row.name) == "Expired"
    assert update_statuses(renewal + dt.timedelta(days=2))["Expired"] == 0
    # renewal moved back inside the lead (e.g. a corrected completion date): Expiring again, then out: Complete
    assert update_statuses(renewal - dt.timedelta(days=10))["Expiring"] == 1
    assert update_statuses(renewal - dt.timedelta(days=200))["Complete"] == 1
    assert status(row.name) == "Complete"


def test_pending_rows_and_types_without_a_schedule(lms: SiteHandle) -> None:
    make_compliance_type("I-9", reminder_days="", renewal_period_months=24)
    make_compliance_type("Background Check", renewal_period_months=0)
    pending = smooth.get_doc({"doctype": "Employee Compliance", "employee": make_employee("Ana"),
                              "compliance_type": "I-9"}).insert()
    i9 = completed_row(make_employee("Ben"), "I-9")
    forever = completed_row(make_employee("Cy"), "Background Check")
    assert not forever.renewal_date
    renewal = smooth.getdate(i9.renewal_date)
    assert update_statuses(renewal)["Expiring"] == 0  # no reminder days: no lead time, never Expiring
    assert status(i9.name) == "Complete"
    assert update_statuses(renewal + dt.timedelta(days=1)) == {"Expired": 1, "Expiring": 0, "Complete": 0}
    assert status(i9.name) == "Expired"
    assert status(pending.name) == "Pending" and status(forever.name) == "Complete"  # no renewal: never expires


def test_each_type_keeps_its_own_lead_time(lms: SiteHandle) -> None:
    make_compliance_type("Forklift Safety", reminder_days="90, 30")
    make_compliance_type("First Aid", reminder_days="30, 7")
    make_compliance_type("Fire Warden", reminder_days="30")
    done = smooth.today() - dt.timedelta(days=100)
    rows = {kind: completed_row(make_employee(kind.split()[0]), kind, done)
            for kind in ("Forklift Safety", "First Aid", "Fire Warden")}
    renewal = smooth.getdate(rows["First Aid"].renewal_date)
    assert update_statuses(renewal - dt.timedelta(days=60))["Expiring"] == 1
    assert [status(rows[k].name) for k in rows] == ["Expiring", "Complete", "Complete"]
    assert update_statuses(renewal - dt.timedelta(days=30))["Expiring"] == 2
    assert {status(rows[k].name) for k in rows} == {"Expiring"}


def test_the_scheduler_runs_the_daily_job(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    make_compliance_type("Forklift Safety", reminder_days="90, 60, 30, 7")
    employee, _manager = staff()
    row = completed_row(employee, "Forklift Safety")
    lapsed = smooth.today() - dt.timedelta(days=1)
    smooth.db.set_value("Employee Compliance", row.name, {"renewal_date": lapsed})  # as if a year had passed
    smooth.db.commit()
    assert JOB in tick(hr_mail.name, hr_mail.sites_path, now=smooth.now_datetime())
    (log,) = smooth.get_all("Scheduled Job Log", filters={"scheduled_job_type": JOB}, fields=["status"])
    assert log["status"] == "Complete"
    assert status(row.name) == "Expired"
    assert subjects(smtp_server, "eli@example.com") == [
        f"Expired: your Forklift Safety lapsed on {lapsed:%a} {lapsed.day} {lapsed:%b %Y}"]


def test_the_job_reports_what_it_did(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    make_compliance_type("Forklift Safety", reminder_days="60, 30")
    employee, _manager = staff()
    row = completed_row(employee, "Forklift Safety")
    renewal = smooth.getdate(row.renewal_date)
    result = run_daily_compliance(renewal - dt.timedelta(days=45))
    assert result["statuses"] == {"Expired": 0, "Expiring": 1, "Complete": 0}
    assert result["reminders"] == {"sent": 1, "without_address": []}
    assert result["retraining"] == {"assigned": 0, "without_user": [], "failed": []}
