"""The daily overdue-training digest: each manager about their team, HR about everyone, once a day."""

from __future__ import annotations

import datetime as dt

import smooth
from smooth.jobs.execute import call as run_as_job
from smooth_hr import training_digest
from smooth_hr.training_digest import send_overdue_digests
from smooth_lms.training_assignments import assign_training
from tests.conftest import SiteHandle, make_user
from tests.hr import compliance_helpers
from tests.hr.compliance_helpers import body, subjects, to
from tests.hr.conftest import make_employee
from tests.lms.conftest import make_course
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import SmtpServer

HR, MONA, NICO = "hazel@example.com", "mona@example.com", "nico@example.com"

hr_mail = compliance_helpers.hr_mail  # the fixtures, for pytest to find in this module
smtp_server = mail_fixtures.smtp_server


def overdue(member: str, course: str, days_late: int) -> str:
    name, _ = assign_training(member, course, smooth.today() + dt.timedelta(days=1))
    smooth.db.set_value("LMS Training Assignment", name, {
        "assigned_on": smooth.today() - dt.timedelta(days=days_late + 30),
        "due_date": smooth.today() - dt.timedelta(days=days_late), "status": "Overdue"})  # as yesterday's run left it
    return name


def team() -> dict[str, str]:
    """Mona manages Eli and Fay, Nico manages Gus; Hal has no Employee; Hazel is HR Manager."""
    with smooth.unit_of_work():
        make_user(HR, "HR Manager")
        make_user(MONA)
        make_user(NICO)
        mona = make_employee("Mona", MONA, last_name="Manager")
        nico = make_employee("Nico", NICO)
        members = {}
        for first, manager in (("eli", mona), ("fay", mona), ("gus", nico), ("hal", None)):
            members[first] = make_user(f"{first}@example.com", "LMS Student")
            if manager:
                make_employee(first.title(), members[first], reports_to=manager)
    return members


def test_managers_and_hr_get_one_digest_a_day(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    members = team()
    with smooth.unit_of_work():
        fire, ladder = make_course("Fire Safety"), make_course("Ladder Safety")
        overdue(members["eli"], fire, 3)
        overdue(members["fay"], ladder, 1)
        overdue(members["gus"], fire, 10)
        overdue(members["hal"], ladder, 2)
        assign_training(members["eli"], ladder, smooth.today() + dt.timedelta(days=5))  # not due yet
        late_open, _ = assign_training(members["fay"], fire, smooth.today() + dt.timedelta(days=5))
        smooth.db.set_value("LMS Training Assignment", late_open, {
            "assigned_on": smooth.today() - dt.timedelta(days=20), "due_date": smooth.today() - dt.timedelta(days=4)})
    # Fay's Fire Safety is still Open though past due: the digest marks it Overdue first
    result = run_as_job(send_overdue_digests)
    assert result == {"marked_overdue": 1, "managers": 2, "hr": 1}
    (mona_mail,) = to(smtp_server, MONA)
    assert mona_mail.message["Subject"] == "Overdue training in your team: 3 assignments"
    text = body(mona_mail)
    assert "Hello Mona Manager" in text and "gus" not in text and "hal" not in text
    # oldest due first: Fay's Fire Safety, Eli's Fire Safety, Fay's Ladder Safety
    assert text.index("fay: ") < text.index("eli: ") and text.index("(4 days late)") < text.index("(3 days late)") \
        < text.index("(1 day late)")
    assert subjects(smtp_server, NICO) == ["Overdue training in your team: 1 assignment"]
    (hr_mail_,) = to(smtp_server, HR)
    today = smooth.today()
    assert hr_mail_.message["Subject"] == f"Overdue training: 5 assignments on {today:%a} {today.day} {today:%b %Y}"
    assert all(name in body(hr_mail_) for name in ("eli: ", "fay: ", "gus: ", "hal: "))
    assert run_as_job(send_overdue_digests) == {"marked_overdue": 0, "managers": 0, "hr": 0}  # once a day
    assert len(smtp_server.sink.received) == 3
    tomorrow = smooth.today() + dt.timedelta(days=1)
    assert run_as_job(send_overdue_digests, tomorrow) == {"marked_overdue": 0, "managers": 2, "hr": 1}


def test_no_overdue_no_digest(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    members = team()
    with smooth.unit_of_work():
        assign_training(members["eli"], make_course("Fire Safety"), smooth.today() + dt.timedelta(days=5))
    assert run_as_job(send_overdue_digests) == {"marked_overdue": 0, "managers": 0, "hr": 0}
    assert smtp_server.sink.received == []


def test_a_long_digest_lists_the_most_overdue_and_counts_the_rest(hr_mail: SiteHandle, smtp_server: SmtpServer,
                                                                  monkeypatch) -> None:
    monkeypatch.setattr(training_digest, "ITEMS_LISTED", 1)
    members = team()
    with smooth.unit_of_work():
        fire, ladder = make_course("Fire Safety"), make_course("Ladder Safety")
        overdue(members["eli"], fire, 3)
        overdue(members["fay"], ladder, 9)
        overdue(members["eli"], ladder, 1)
    run_as_job(send_overdue_digests)
    text = body(to(smtp_server, MONA)[0])
    assert "fay: " in text and "(9 days late)" in text and "eli: " not in text
    assert "And 2 more" in text and "/app/lms-training-assignment?status=Overdue" in text


def test_hr_hears_of_late_onboarding_and_separation_activities(hr_mail: SiteHandle, smtp_server: SmtpServer) -> None:
    members = team()
    today = smooth.today()
    with smooth.unit_of_work():
        eli = smooth.db.get_value("Employee", {"user_id": members["eli"]}, "name")
        fay = smooth.db.get_value("Employee", {"user_id": members["fay"]}, "name")
        smooth.get_doc({"doctype": "Employee Onboarding", "employee": eli, "date_of_joining": today, "activities": [
            {"activity_name": "Issue badge", "kind": "Task", "due_date": today - dt.timedelta(days=2)},
            {"activity_name": "Locker", "kind": "Task", "due_date": today - dt.timedelta(days=5), "completed": 1},
            {"activity_name": "Buddy lunch", "kind": "Task", "due_date": today + dt.timedelta(days=3)}]}).insert()
        smooth.get_doc({"doctype": "Employee Separation", "employee": fay, "relieving_date": today, "activities": [
            {"activity_name": "Return laptop", "kind": "Task", "due_date": today - dt.timedelta(days=1)}]}).insert()
        cancelled = smooth.get_doc({"doctype": "Employee Onboarding", "employee": fay, "date_of_joining": today,
                                    "activities": [{"activity_name": "Old step", "kind": "Task",
                                                    "due_date": today - dt.timedelta(days=9)}]}).insert()
        cancelled.submit()
        cancelled.cancel()
    result = run_as_job(send_overdue_digests)
    assert result == {"marked_overdue": 0, "managers": 0, "hr": 1}  # no late training, yet HR is told
    (mail,) = to(smtp_server, HR)
    assert " ".join(mail.message["Subject"].split()) == (f"Overdue on {today:%a} {today.day} {today:%b %Y}: "
                                                         "training assignments 0, boarding activities 2")
    text = body(mail)
    assert "Onboarding of Eli" in text and "Issue badge" in text and "(2 days late)" in text
    assert "Separation of Fay" in text and "Return laptop" in text and "(1 day late)" in text
    assert "Locker" not in text and "Buddy lunch" not in text and "Old step" not in text
    assert "Training assignments overdue" not in text
