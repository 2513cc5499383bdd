"""Notifications an admin defines (the core's Notification doctype), on the HR site's Employees: document
events by email and in-app, the daily Days Before / Days After sends once per document and date across
missed runs and two schedulers, and the apps' built-in mails switched off per site.

SQLite only but for the date window and the race, which the databases settle differently (both_backends).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import smooth
from smooth import patches
from smooth.core.doctype.notification.notification import send_date_notifications
from smooth.jobs.execute import call as run_as_job
from smooth_hr.compliance_reminders import send_reminders
from tests.conftest import SiteHandle, make_user
from tests.hr import compliance_helpers
from tests.hr.compliance_helpers import body, completed_row, staff, subjects, to, two_schedulers
from tests.hr.conftest import make_compliance_type, make_employee
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import SmtpServer

hr_mail = compliance_helpers.hr_mail  # the fixtures, for pytest to find in this module
smtp_server = mail_fixtures.smtp_server
MANAGER, EMPLOYEE, HR = "mona@example.com", "eli@example.com", "hr.lead@example.com"


def notification(name: str, **values: Any) -> str:
    values.setdefault("recipients", [{"receiver_by_document_field": "reports_to"}])
    values.setdefault("subject", "{{ doc.employee_name }}'s probation ends on {{ doc.probation_end_date }}")
    values.setdefault("message", "<p>Review {{ doc.employee_name }} & decide.</p>")
    with smooth.unit_of_work():
        return smooth.get_doc({"doctype": "Notification", "name": name, "document_type": "Employee",
                               **values}).insert().name


def probation_alert(days: int = 14) -> str:
    return notification("Probation review", event="Days Before", date_changed="probation_end_date",
                        days_in_advance=days, condition='doc.status == "Active"')


def test_document_events_send_by_email_and_in_app(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    with smooth.unit_of_work():
        make_user(HR, "HR Manager")
    notification("New starter", event="New", recipients=[{"receiver_by_document_field": "reports_to"},
                                                          {"receiver_by_role": "HR Manager"},
                                                          {"cc": "payroll@example.com"}],
                 subject="New starter: {{ doc.employee_name }}")
    notification("Status change", event="Value Change", value_changed="status", channel="System Notification",
                 recipients=[{"receiver_by_document_field": "user_id"}], subject="You are now {{ doc.status }}",
                 condition='doc.status != "Left"')
    employee, _manager = staff()
    assert subjects(smtp_server, MANAGER) == ["New starter: Eli Worker"]  # Mona reports to nobody
    assert subjects(smtp_server, HR) == ["New starter: Mona Manager", "New starter: Eli Worker"]
    assert len(to(smtp_server, "payroll@example.com")) == 2
    with smooth.unit_of_work():  # a manager without a user is reached at their company email
        carl = make_employee("Carl", company_email="carl@corp.example")
        make_employee("Dora", reports_to=carl)
    assert subjects(smtp_server, "carl@corp.example") == ["New starter: Dora"]
    assert "<p>Review Mona Manager & decide.</p>" in body(to(smtp_server, HR)[0])
    for status in ("Active", "Suspended", "Suspended", "Left"):  # unchanged, changed, unchanged, condition false
        with smooth.unit_of_work():
            doc = smooth.get_doc("Employee", employee)
            doc.status = status
            doc.relieving_date = smooth.today() if status == "Left" else None
            doc.save()
    notices = smooth.get_all("Notification Log", filters={"for_user": EMPLOYEE}, fields=["subject", "document_name"])
    assert notices == [{"subject": "You are now Suspended", "document_name": employee}]


def test_submit_and_cancel_notify_the_user_behind_a_link(hr_mail: SiteHandle) -> None:
    for event in ("Submit", "Cancel", "Save"):
        notification(f"Onboarding {event}", event=event, document_type="Employee Onboarding",
                     channel="System Notification", recipients=[{"receiver_by_document_field": "employee"}],
                     subject=f"{event}: onboarding {{{{ doc.name }}}}")
    with smooth.unit_of_work():
        make_user("nina@example.com", "LMS Student")
        employee = make_employee("Nina", user_id="nina@example.com")
        onboarding = smooth.get_doc({"doctype": "Employee Onboarding", "employee": employee}).insert()
        onboarding.submit()
        onboarding.cancel()
    sent = smooth.get_all("Notification Log", filters={"for_user": "nina@example.com"}, pluck="subject")
    name = onboarding.name
    # as in Frappe, a submit is a save too (on_update runs before on_submit); a cancel is not
    assert sorted(sent) == sorted([f"Save: onboarding {name}", f"Save: onboarding {name}",
                                   f"Submit: onboarding {name}", f"Cancel: onboarding {name}"])


def test_a_patch_sends_no_notification(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    """As in Frappe: a patch may run before the Notification table exists (pre_model_sync), and data it moves is
    not news."""
    notification("New starter", event="New", recipients=[{"cc": "payroll@example.com"}])
    patches.run_patch(patches.Patch("smooth_apps", 'execute:smooth.get_doc({"doctype": "Employee", "first_name": '
                                                   '"Pat", "date_of_joining": smooth.today()}).insert()', "post"))
    assert smooth.db.exists("Employee", {"first_name": "Pat"}) and not smooth.flags.in_patch
    assert to(smtp_server, "payroll@example.com") == []
    with smooth.unit_of_work():  # nor do records carried in from elsewhere (a migration)
        smooth.flags.in_import = True
        try:
            make_employee("Imported")
        finally:
            smooth.flags.in_import = False
    assert to(smtp_server, "payroll@example.com") == []
    with smooth.unit_of_work():
        make_employee("Quinn")
    assert len(to(smtp_server, "payroll@example.com")) == 1


def test_a_notification_that_cannot_work_is_refused_when_saved(hr_mail: SiteHandle) -> None:
    cases = [({"event": "Days Before", "date_changed": "employee_name"}, "needs a Date or Datetime field"),
             ({"event": "Value Change", "value_changed": "shoe_size"}, "has no field 'shoe_size'"),
             ({"event": "New", "condition": "__import__('os')"}, "may be called in a condition"),
             ({"event": "New", "subject": "{{ doc.employee_name "}, "Subject, line 1"),
             ({"event": "New", "recipients": [{"receiver_by_document_field": "nobody"}]}, "no field 'nobody'"),
             ({"event": "New", "recipients": [{"cc": "Administrator, nobody"}]}, "'nobody' is neither")]
    for values, message in cases:
        with pytest.raises(smooth.ValidationError, match=message.replace("(", r"\(")):
            notification("Broken", **values)


def test_a_template_that_fails_on_a_record_does_not_stop_the_save(hr_mail: SiteHandle,
                                                                  smtp_server: SmtpServer) -> None:
    notification("Needs a missing field", event="New", subject="{{ doc.employee_name.missing.deeper }}")
    employee, _manager = staff()
    assert smooth.db.exists("Employee", employee) and smooth.db.exists("Employee", _manager)
    notices = smooth.get_all("Notification Log", filters={"for_user": "Administrator"}, pluck="subject")
    assert sorted(notices) == [f"Notification Needs a missing field could not be sent about Employee {name}"
                               for name in sorted([employee, _manager])]
    assert subjects(smtp_server, MANAGER) == []


@pytest.mark.both_backends  # the date window is a range read each database answers
def test_days_before_sends_once_per_document_and_date_across_missed_runs(hr_mail: SiteHandle,
                                                                         smtp_server: SmtpServer) -> None:
    today = smooth.today()
    probation_alert(14)
    employee, _manager = staff(probation_end_date=today + dt.timedelta(days=20))
    with smooth.unit_of_work():
        make_employee("Old", last_name="Timer", reports_to=_manager,
                      probation_end_date=today + dt.timedelta(days=5))  # its day passed before the alert existed
    for offset in (0, 3, 9, 10, 12, 20, 40):  # the scheduler was down on days 6 to 8
        run_as_job(send_date_notifications, today + dt.timedelta(days=offset))
    end = today + dt.timedelta(days=20)
    assert subjects(smtp_server, MANAGER) == [f"Eli Worker's probation ends on {end}"]
    with smooth.unit_of_work():  # probation extended: the new date is reminded of once too
        smooth.db.set_value("Employee", employee, "probation_end_date", today + dt.timedelta(days=60))
    for offset in (45, 46, 47):
        run_as_job(send_date_notifications, today + dt.timedelta(days=offset))
    assert len(subjects(smtp_server, MANAGER)) == 2
    assert smooth.db.count("Notification Claim") == 2


@pytest.mark.both_backends  # a race the database's locks settle
def test_two_schedulers_at_once_send_each_reminder_once(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    today = smooth.today()
    probation_alert(14)
    _employee, manager = staff(probation_end_date=today + dt.timedelta(days=14))
    with smooth.unit_of_work():
        for index in range(8):
            make_employee(f"Worker{index}", reports_to=manager, probation_end_date=today + dt.timedelta(days=14))
    outcomes = two_schedulers(hr_mail, send_date_notifications, today)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert sum(outcomes) == 9
    assert len(to(smtp_server, MANAGER)) == 9
    assert smooth.db.count("Notification Claim") == 9


def test_a_built_in_mail_is_switched_off_per_site(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    with smooth.unit_of_work(), pytest.raises(smooth.ValidationError, match="no Email Template named 'Nope'"):
        settings = smooth.get_doc("System Settings")
        settings.disabled_email_templates = "Compliance Reminder\nNope"
        settings.save()
    with smooth.unit_of_work():
        settings = smooth.get_doc("System Settings")
        settings.disabled_email_templates = "Compliance Reminder"
        settings.save()
    try:
        make_compliance_type("Forklift Safety", reminder_days="30")
        employee, _manager = staff()
        row = completed_row(employee, "Forklift Safety")
        renewal = smooth.getdate(row.renewal_date)
        with smooth.unit_of_work():
            smooth.db.set_value("Employee Compliance", row.name, "status", "Expiring")
        run_as_job(send_reminders, renewal - dt.timedelta(days=10))
        assert to(smtp_server, EMPLOYEE) == [] and to(smtp_server, MANAGER) == []
    finally:
        with smooth.unit_of_work():
            smooth.db.set_single_value("System Settings", "disabled_email_templates", None)


@pytest.mark.both_backends  # a Datetime field's day is a range of instants each database compares
def test_days_after_a_datetime_field_takes_the_whole_day(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    today = smooth.today()
    notification("Dormant account", document_type="User", event="Days After", date_changed="last_login",
                 days_in_advance=30, recipients=[{"cc": "it@example.com"}], subject="{{ doc.name }} is dormant",
                 message="")
    with smooth.unit_of_work():
        for user, days, at in (("late@example.com", 30, dt.time(23, 59, 30)), ("early@example.com", 30, dt.time(0)),
                               ("recent@example.com", 29, dt.time(0))):
            make_user(user)
            smooth.db.set_value("User", user, "last_login", dt.datetime.combine(today - dt.timedelta(days=days), at))
    run_as_job(send_date_notifications, today)
    run_as_job(send_date_notifications, today)
    assert sorted(subjects(smtp_server, "it@example.com")) == ["early@example.com is dormant",
                                                               "late@example.com is dormant"]
