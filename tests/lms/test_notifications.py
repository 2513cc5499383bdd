"""Booking emails, reminders, the digest and the stale-request clean-up, through a real SMTP sink."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

import smooth
from smooth.jobs.execute import call as run_as_job
from smooth_lms.notifications import unsent_mail
from smooth_lms.reminders import send_due_reminders, send_evaluator_digests
from smooth_lms.stale_requests import cancel_stale_requests
from tests.api.helpers import set_site_config
from tests.conftest import SiteHandle
from tests.lms.conftest import book, clean, make_course, make_evaluator, make_learner, next_weekday
from tests.mail.conftest import Received, SmtpServer

LEARNER, EVALUATOR = "asha@example.com", "eva@example.com"


@pytest.fixture
def mail_lms(lms_site: SiteHandle, smtp_server: SmtpServer) -> Iterator[SiteHandle]:
    """The LMS site sending through the sink (jobs inline), bound as Administrator."""
    set_site_config(lms_site, redis_queue=None, mail_server="127.0.0.1", mail_port=smtp_server.port,
                    auto_email_id="lms@smooth.test")
    clean(lms_site)
    with lms_site.context():
        for doctype in ("Email Queue", "LMS Notification Log"):
            for name in smooth.get_all(doctype, pluck="name"):
                smooth.delete_doc(doctype, name, force=True, ignore_permissions=True)
        smooth.db.commit()
        yield lms_site
        smooth.db.rollback()
    set_site_config(lms_site, mail_server=None, mail_port=None)
    clean(lms_site)


def _booking(day_offset: int = 3) -> tuple[str, dt.date]:
    course = make_course("Forklift Safety")
    make_evaluator(EVALUATOR, [course], schedule=[(d, "08:00", "17:00") for d in (
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday")], timezone="Europe/Berlin")
    make_learner(LEARNER, course)
    return course, next_weekday(2, at_least_days=day_offset)  # a Wednesday


def _to(sink: SmtpServer, address: str) -> list[Received]:
    return [mail for mail in sink.sink.received if address in mail.recipients]


def _ics(mail: Received) -> Calendar:
    (attachment,) = [part for part in mail.message.iter_attachments() if part.get_filename().endswith(".ics")]
    return Calendar.from_ical(attachment.get_content() if isinstance(attachment.get_content(), bytes)
                              else attachment.get_content().encode())


def test_a_booking_emails_learner_and_evaluator_each_in_their_own_zone(mail_lms: SiteHandle,
                                                                         smtp_server: SmtpServer) -> None:
    course, day = _booking()
    with smooth.unit_of_work():
        request = book(LEARNER, course, day, "09:30", timezone="Asia/Kolkata")
    (learner_mail,) = _to(smtp_server, LEARNER)
    (evaluator_mail,) = _to(smtp_server, EVALUATOR)
    # 09:30 UTC is 15:00 in Kolkata (UTC+5:30) and 10:30 (winter) or 11:30 (summer) in Berlin
    kolkata = f"{day:%a} {day.day} {day:%b %Y}, 15:00-15:30 (Asia/Kolkata)"
    assert learner_mail.message["Subject"] == f"Evaluation booked: Forklift Safety, {kolkata}"
    berlin = request.start_utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Europe/Berlin"))
    until = berlin + dt.timedelta(minutes=30)
    assert evaluator_mail.message["Subject"] == (f"New evaluation: {LEARNER.split('@')[0]}, {day:%a} {day.day} "
                                                 f"{day:%b %Y}, {berlin:%H:%M}-{until:%H:%M} (Europe/Berlin)")
    event = _ics(learner_mail).walk("VEVENT")[0]
    assert event.decoded("dtstart") == request.start_utc.replace(tzinfo=dt.UTC)
    assert str(event.get("uid")).startswith(request.name)


def test_a_refused_booking_sends_nothing(mail_lms: SiteHandle, smtp_server: SmtpServer) -> None:
    course, day = _booking()
    with smooth.unit_of_work():
        book(LEARNER, course, day, "09:30", timezone="Asia/Kolkata")
    smtp_server.sink.received.clear()
    with pytest.raises(smooth.ValidationError), smooth.unit_of_work():
        book(LEARNER, course, day, "11:00", timezone="Asia/Kolkata")  # a second active request
    assert smtp_server.sink.received == []


def test_a_move_and_a_cancellation_are_told_to_both_with_the_updated_calendar_file(
        mail_lms: SiteHandle, smtp_server: SmtpServer) -> None:
    course, day = _booking()
    with smooth.unit_of_work():
        request = book(LEARNER, course, day, "09:30", timezone="Asia/Kolkata")
    smtp_server.sink.received.clear()
    with smooth.unit_of_work():
        doc = smooth.get_doc("LMS Certificate Request", request.name)
        doc.reschedule(day, "10:30")
    (moved,) = _to(smtp_server, LEARNER)
    assert moved.message["Subject"].startswith("Evaluation moved: Forklift Safety, now ")
    body = moved.message.get_body(("html",)).get_content()
    assert "15:00-15:30 (Asia/Kolkata)" in body and "16:00-16:30 (Asia/Kolkata)" in body
    assert int(_ics(moved).walk("VEVENT")[0]["sequence"]) == 1
    assert len(_to(smtp_server, EVALUATOR)) == 1
    smtp_server.sink.received.clear()
    with smooth.unit_of_work():
        doc = smooth.get_doc("LMS Certificate Request", request.name)
        doc.status = "Cancelled"
        doc.save()
    (cancelled,) = _to(smtp_server, LEARNER)
    assert cancelled.message["Subject"].startswith("Evaluation cancelled:")
    assert str(_ics(cancelled)["method"]) == "CANCEL"
    assert int(_ics(cancelled).walk("VEVENT")[0]["sequence"]) == 2  # outranks the moved event calendars hold


def test_reminders_go_once_per_lead_time_and_follow_a_moved_request(mail_lms: SiteHandle,
                                                                    smtp_server: SmtpServer) -> None:
    course, day = _booking(day_offset=4)
    with smooth.unit_of_work():
        request = book(LEARNER, course, day, "09:30", timezone="Asia/Kolkata")
    smtp_server.sink.received.clear()
    start = request.start_utc
    assert run_as_job(send_due_reminders, now=start - dt.timedelta(hours=30)) == 0  # not due yet
    assert run_as_job(send_due_reminders, now=start - dt.timedelta(hours=24) + dt.timedelta(minutes=5)) == 1
    assert run_as_job(send_due_reminders, now=start - dt.timedelta(hours=24) + dt.timedelta(minutes=10)) == 0  # once
    subjects = [m.message["Subject"] for m in smtp_server.sink.received]
    assert len(subjects) == 2 and all(s.startswith("Reminder: evaluation Forklift Safety") for s in subjects)
    assert "about 24 hours" in _to(smtp_server, LEARNER)[0].message.get_body(("html",)).get_content()
    with smooth.unit_of_work():
        smooth.get_doc("LMS Certificate Request", request.name).reschedule(day, "11:30")
        moved = smooth.get_doc("LMS Certificate Request", request.name).start_utc
    smtp_server.sink.received.clear()
    assert run_as_job(send_due_reminders, now=start - dt.timedelta(minutes=59)) == 0  # the old time
    assert run_as_job(send_due_reminders, now=moved - dt.timedelta(hours=1) + dt.timedelta(minutes=1)) == 1
    assert "about 1 hour" in _to(smtp_server, LEARNER)[0].message.get_body(("html",)).get_content()
    with smooth.unit_of_work():
        doc = smooth.get_doc("LMS Certificate Request", request.name)
        doc.status = "Cancelled"
        doc.save()
        settings = smooth.get_doc("LMS Settings")
        settings.reminder_hours = "2"
        settings.save()
    smtp_server.sink.received.clear()
    assert run_as_job(send_due_reminders, now=moved - dt.timedelta(hours=2) + dt.timedelta(minutes=1)) == 0  # cancelled
    assert smtp_server.sink.received == []


def test_the_daily_job_cancels_stale_requests_once_and_tells_the_learner(mail_lms: SiteHandle,
                                                                         smtp_server: SmtpServer) -> None:
    course, day = _booking()
    with smooth.unit_of_work():
        request = book(LEARNER, course, day, "09:30", timezone="Asia/Kolkata")
    smtp_server.sink.received.clear()
    assert run_as_job(cancel_stale_requests, now=request.start_utc + dt.timedelta(hours=2)) == []  # within the grace
    with smooth.unit_of_work():
        assert cancel_stale_requests(now=request.start_utc + dt.timedelta(hours=25)) == [request.name]
    doc = smooth.get_doc("LMS Certificate Request", request.name)
    assert doc.status == "Cancelled" and "never marked Completed" in doc.cutoff_override_reason
    (told,) = _to(smtp_server, LEARNER)
    assert "never marked Completed" in told.message.get_body(("html",)).get_content()
    assert run_as_job(cancel_stale_requests, now=request.start_utc + dt.timedelta(hours=49)) == []


def test_the_evaluator_digest_goes_at_their_local_morning_once(mail_lms: SiteHandle,
                                                              smtp_server: SmtpServer) -> None:
    course, day = _booking()
    with smooth.unit_of_work():
        book(LEARNER, course, day, "09:30", timezone="Asia/Kolkata")
        settings = smooth.get_doc("LMS Settings")
        settings.send_evaluator_digest = 1
        settings.evaluator_digest_hour = 7
        settings.save()
    smtp_server.sink.received.clear()
    berlin_seven = dt.datetime.combine(day, dt.time(7), ZoneInfo("Europe/Berlin")).astimezone(dt.UTC).replace(
        tzinfo=None)
    assert run_as_job(send_evaluator_digests, now=berlin_seven - dt.timedelta(hours=1)) == 0
    with smooth.unit_of_work():
        assert send_evaluator_digests(now=berlin_seven + dt.timedelta(minutes=3)) == 1
    with smooth.unit_of_work():
        assert send_evaluator_digests(now=berlin_seven + dt.timedelta(minutes=30)) == 0
    (digest,) = _to(smtp_server, EVALUATOR)
    assert digest.message["Subject"] == f"Your evaluations on {day:%a} {day.day} {day:%b %Y}"
    assert "Forklift Safety" in digest.message.get_body(("html",)).get_content()


def test_on_the_day_berlin_springs_forward_mails_reminders_and_the_digest_keep_each_clock(
        mail_lms: SiteHandle, smtp_server: SmtpServer) -> None:
    course = make_course("Forklift Safety")
    make_evaluator(EVALUATOR, [course], schedule=[("Sunday", "00:00", "05:00")], timezone="Europe/Berlin")
    make_learner(LEARNER, course)
    dst_day = dt.date(2027, 3, 28)  # Europe/Berlin: 02:00 CET becomes 03:00 CEST (01:00 UTC)
    with smooth.unit_of_work():
        settings = smooth.get_doc("LMS Settings")
        settings.availability_window_days = (dst_day - smooth.today()).days + 7
        settings.send_evaluator_digest = 1
        settings.evaluator_digest_hour = 7
        settings.save()
    with smooth.unit_of_work():
        request = book(LEARNER, course, dst_day, "01:30", timezone="Asia/Kolkata")  # UTC wall clock
    assert request.start_utc == dt.datetime(2027, 3, 28, 1, 30)
    (assigned,) = _to(smtp_server, EVALUATOR)
    assert assigned.message["Subject"].endswith("Sun 28 Mar 2027, 03:30-04:00 (Europe/Berlin)")
    (booked,) = _to(smtp_server, LEARNER)
    assert booked.message["Subject"].endswith("Sun 28 Mar 2027, 07:00-07:30 (Asia/Kolkata)")
    smtp_server.sink.received.clear()
    # 24 hours before the instant is 02:30 CET on the Saturday: a day of 23 hours lies between the clocks
    assert run_as_job(send_due_reminders, now=dt.datetime(2027, 3, 27, 1, 35)) == 1
    assert len(_to(smtp_server, EVALUATOR)) == 1
    smtp_server.sink.received.clear()
    with smooth.unit_of_work():
        assert send_evaluator_digests(now=dt.datetime(2027, 3, 28, 5, 10)) == 1  # 07:10 CEST
    (digest,) = _to(smtp_server, EVALUATOR)
    assert "03:30-04:00 (Europe/Berlin)" in digest.message.get_body(("html",)).get_content()


def test_a_template_that_fails_loses_only_its_own_mail_and_alerts_the_system_managers(
        mail_lms: SiteHandle, smtp_server: SmtpServer) -> None:
    """The learner's template divides by zero: the evaluator's mail still goes, the learner's is an Error
    row naming the template and line, every System Manager gets a desk notice and a mail, and the
    request's page tells the learner."""
    course, day = _booking()
    original = smooth.db.get_value("Email Template", "Evaluation Booked", "response_html")
    smooth.db.set_value("Email Template", "Evaluation Booked", "response_html", "<p>Hello</p>\n{{ 1/0 }}")
    smooth.db.commit()
    try:
        with smooth.unit_of_work():
            request = book(LEARNER, course, day, "09:30", timezone="Asia/Kolkata")
        assert _to(smtp_server, LEARNER) == []
        assert len(_to(smtp_server, EVALUATOR)) == 1
        (failed,) = smooth.get_all("Email Queue", filters={"status": "Error"}, fields=["name", "last_error"])
        assert ("Not rendered: Email Template 'Evaluation Booked', Response (HTML), line 2: ZeroDivisionError"
                in failed["last_error"])
        (notice,) = smooth.get_all("Notification Log", filters={"for_user": "Administrator",
                                                                "document_name": failed["name"]},
                                   fields=["subject", "email_content"])
        assert f"An email to {LEARNER} about LMS Certificate Request {request.name} was not sent" in notice["subject"]
        assert "line 2: ZeroDivisionError" in notice["email_content"]
        (alert,) = _to(smtp_server, "admin@example.com")
        assert "was not sent" in alert.message["Subject"]
        assert unsent_mail(request.name, LEARNER) and not unsent_mail(request.name, EVALUATOR)
    finally:
        smooth.db.rollback()
        smooth.db.set_value("Email Template", "Evaluation Booked", "response_html", original)
        for name in smooth.get_all("Notification Log", pluck="name"):
            smooth.delete_doc("Notification Log", name, force=True, ignore_permissions=True)
        smooth.db.commit()


def test_each_recipient_reads_the_booking_mail_in_their_language(mail_lms: SiteHandle,
                                                                 smtp_server: SmtpServer) -> None:
    course, day = _booking()
    smooth.db.set_value("User", LEARNER, "language", "de")
    smooth.db.commit()
    with smooth.unit_of_work():
        book(LEARNER, course, day, "09:30", timezone="Asia/Kolkata")
    (learner_mail,) = _to(smtp_server, LEARNER)
    (evaluator_mail,) = _to(smtp_server, EVALUATOR)
    german_day = smooth.strftime(day, "%a %-d %b %Y", "de")
    assert learner_mail.message["Subject"] == f"Prüfung gebucht: Forklift Safety, {german_day}, 15:00-15:30 " \
                                              "(Asia/Kolkata)"
    body = learner_mail.message.get_body(("html",)).get_content()
    assert "Ihre Prüfung für" in body and "Guten Tag" in body and "Your evaluation" not in body
    assert evaluator_mail.message["Subject"].startswith("New evaluation: ")
