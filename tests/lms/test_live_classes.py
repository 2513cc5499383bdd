"""Live sessions of a cohort: scheduling rules, invitations and changes by mail (real SMTP sink, .ics
checked), the reminder once, attendance and progress, and the portal's view. SQLite only: nothing here
depends on the dialect (the instants are computed in Python; the browser test runs on both)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

import smooth
from smooth.jobs.execute import call as run_as_job
from smooth_lms.live_class_mails import send_live_class_reminders
from smooth_lms.live_class_views import sessions
from smooth_lms.timezones import now_utc
from tests.api.helpers import set_site_config
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import clean, make_course, make_evaluator, make_learner
from tests.lms.content import add_lessons
from tests.mail.conftest import Received, SmtpServer

HOST, ANA, KOJI = "host@example.com", "ana@example.com", "koji@example.com"
LIVE = "LMS Live Class"


@pytest.fixture
def live_lms(lms_site: SiteHandle, smtp_server: SmtpServer) -> Iterator[SiteHandle]:
    """The LMS site sending through the sink (jobs inline, Google off), bound as Administrator."""
    set_site_config(lms_site, redis_queue=None, mail_server="127.0.0.1", mail_port=smtp_server.port,
                    auto_email_id="lms@smooth.test")
    clean(lms_site)
    with lms_site.context():
        yield lms_site
        smooth.db.rollback()
    set_site_config(lms_site, mail_server=None, mail_port=None)
    clean(lms_site)


def cohort(course_values: dict[str, Any] | None = None) -> tuple[str, str]:
    """A course with one lesson, a host (evaluator in Berlin) and two members (New York and Tokyo)."""
    course = make_course("Crane Signals", **(course_values or {}))
    add_lessons(course, {"Signals": ["Hand signals"]})
    make_evaluator(HOST, [course], timezone="Europe/Berlin")
    smooth.db.set_value("User", HOST, {"time_zone": "Europe/Berlin", "full_name": "Hana Host"})
    make_learner(ANA, course, progress=0, time_zone="America/New_York")
    make_learner(KOJI, course, progress=0, time_zone="Asia/Tokyo")
    batch = smooth.get_doc({"doctype": "LMS Batch", "title": "Crane Crew", "courses": [{"course": course}],
                            "members": [{"member": ANA}, {"member": KOJI}]}).insert()
    smooth.db.commit()
    return batch.name, course


def schedule(batch: str, start: dt.datetime, **values: Any) -> Any:
    with smooth.unit_of_work():
        return smooth.get_doc({"doctype": LIVE, "title": "Signals drill", "batch_name": batch, "host": HOST,
                               "start_utc": start, "duration": 45, **values}).insert()


def in_a_week() -> dt.datetime:
    return (now_utc() + dt.timedelta(days=7)).replace(hour=14, minute=0, second=0, microsecond=0)


def _to(sink: SmtpServer, address: str) -> list[Received]:
    return [m for m in sink.sink.received if address in m.recipients]


def _subject(mail: Received) -> str:
    return " ".join(str(mail.message["Subject"]).split())  # a long subject is folded


def _event(mail: Received) -> tuple[Calendar, Any]:
    (part,) = [p for p in mail.message.iter_attachments() if p.get_filename().endswith(".ics")]
    content = part.get_content()
    calendar = Calendar.from_ical(content if isinstance(content, bytes) else content.encode())
    return calendar, calendar.walk("VEVENT")[0]


def test_scheduling_invites_every_member_and_the_host_in_their_own_zone(live_lms: SiteHandle,
                                                                         smtp_server: SmtpServer) -> None:
    batch, _course = cohort()
    smooth.db.set_value("User", KOJI, "language", "de")  # Koji reads German: his invitation and its date too
    smooth.db.commit()
    start = in_a_week()
    doc = schedule(batch, start)
    assert doc.meet_status == "Not Configured" and "paste the meeting's join link" in doc.meet_error
    assert doc.end_utc == start + dt.timedelta(minutes=45) and doc.timezone == "Europe/Berlin"
    assert sorted(r.member for r in doc.attendance) == [ANA, KOJI]
    (ana,), (koji,), (host,) = _to(smtp_server, ANA), _to(smtp_server, KOJI), _to(smtp_server, HOST)
    york = start.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("America/New_York"))
    assert _subject(ana) == f"Live session: Signals drill, {york:%a} {york.day} {york:%b %Y}, " \
        f"{york:%H:%M}-{york + dt.timedelta(minutes=45):%H:%M} (America/New_York)"
    tokyo = start.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    assert _subject(koji).startswith(f"Live-Sitzung: Signals drill, {smooth.strftime(tokyo, '%a %-d %b %Y', 'de')}, ")
    assert "Sie sind zu dieser Live-Sitzung eingeladen:" in koji.message.get_body(("html",)).get_content()
    assert "(Asia/Tokyo)" in _subject(koji) and "(Europe/Berlin)" in _subject(host)
    assert "You host" in host.message.get_body(("html",)).get_content()
    calendar, event = _event(ana)
    assert str(calendar["method"]) == "REQUEST" and int(event["sequence"]) == 0
    assert event.decoded("dtstart") == start.replace(tzinfo=dt.UTC)
    assert str(event["uid"]) == f"{doc.name}@{smooth.local.site.name}"
    assert str(event["attendee"]) == f"mailto:{ANA}"  # only the recipient: members do not see each other


def test_moving_and_cancelling_bump_the_sequence_and_cancel_the_calendar_event(live_lms: SiteHandle,
                                                                               smtp_server: SmtpServer) -> None:
    batch, _course = cohort()
    doc = schedule(batch, in_a_week())
    with smooth.unit_of_work():
        doc = smooth.get_doc(LIVE, doc.name)
        doc.start_utc = doc.start_utc + dt.timedelta(hours=2)
        doc.save()
    assert doc.sequence == 1
    moved = _to(smtp_server, KOJI)[-1]
    assert _subject(moved).startswith("Moved: live session Signals drill")
    assert "Was:" in moved.message.get_body(("html",)).get_content()
    assert int(_event(moved)[1]["sequence"]) == 1
    with smooth.unit_of_work():
        doc = smooth.get_doc(LIVE, doc.name)
        doc.status = "Cancelled"
        doc.save()
    cancelled = _to(smtp_server, ANA)[-1]
    calendar, event = _event(cancelled)
    assert _subject(cancelled).startswith("Cancelled: live session")
    assert (str(calendar["method"]), str(event["status"]), int(event["sequence"])) == ("CANCEL", "CANCELLED", 2)
    assert len(_to(smtp_server, HOST)) == 3
    with pytest.raises(smooth.ValidationError, match="stays cancelled"):
        doc.status = "Scheduled"
        doc.save()
    smooth.db.rollback()
    smooth.delete_doc(LIVE, doc.name)  # cancelled: everyone was told, it may go


def test_a_session_to_come_is_cancelled_before_it_is_deleted(live_lms: SiteHandle) -> None:
    batch, _course = cohort()
    doc = schedule(batch, in_a_week())
    with pytest.raises(smooth.ValidationError, match="set its status to Cancelled first"):
        smooth.delete_doc(LIVE, doc.name)


def test_the_rules_of_a_session(live_lms: SiteHandle) -> None:
    batch, course = cohort()
    other = make_course("Other Course")
    make_user("stranger@example.com", "Course Creator")
    cases = [({"host": "stranger@example.com"}, "cannot host"),
             ({"start_utc": now_utc() - dt.timedelta(hours=1)}, "in the past"),
             ({"course": other}, "not a course of the cohort"),
             ({"duration": 0}, "Duration"),
             ({"join_link": "http://meet.example.com/x"}, "https://")]
    for values, message in cases:
        with pytest.raises(smooth.ValidationError, match=message):
            schedule(batch, in_a_week(), **values)
    doc = schedule(batch, in_a_week(), course=course)
    doc.attendance[0].attended = 1
    with pytest.raises(smooth.ValidationError, match="once the session has started"):
        doc.save()
    # an instructor of the cohort's course may host
    smooth.get_doc("LMS Course", course).append("instructors", {"instructor": "stranger@example.com"}).save()
    assert schedule(batch, in_a_week(), host="stranger@example.com").host == "stranger@example.com"


def test_another_evaluator_cannot_change_a_session_they_do_not_host(live_lms: SiteHandle) -> None:
    batch, course = cohort()
    make_evaluator("other.eva@example.com", [course])
    doc = schedule(batch, in_a_week())
    assert smooth.has_permission(LIVE, "read", doc=doc, user="other.eva@example.com")
    assert not smooth.has_permission(LIVE, "write", doc=doc, user="other.eva@example.com")
    assert smooth.has_permission(LIVE, "write", doc=doc, user=HOST)
    assert not smooth.has_permission(LIVE, "read", doc=doc, user=ANA)  # learners see it on the portal only


def test_the_reminder_goes_out_once_per_session_and_start(live_lms: SiteHandle, smtp_server: SmtpServer) -> None:
    batch, _course = cohort()
    doc = schedule(batch, now_utc() + dt.timedelta(minutes=50))
    cancelled = schedule(batch, now_utc() + dt.timedelta(minutes=40))
    with smooth.unit_of_work():
        cancelled = smooth.get_doc(LIVE, cancelled.name)
        cancelled.status = "Cancelled"
        cancelled.save()
    smtp_server.sink.received.clear()
    assert run_as_job(send_live_class_reminders) == 0  # just scheduled: the invitation is the reminder
    for name in (doc.name, cancelled.name):
        smooth.db.set_value(LIVE, name, "creation", smooth.now_datetime() - dt.timedelta(days=2),
                            update_modified=False)
    smooth.db.commit()
    assert [run_as_job(send_live_class_reminders) for _ in range(2)] == [1, 0]
    assert sorted(r for m in smtp_server.sink.received for r in m.recipients) == [ANA, HOST, KOJI]
    assert all(_subject(m).startswith("Reminder: live session") for m in smtp_server.sink.received)
    with smooth.unit_of_work():  # moved: a new start, so a new reminder
        doc = smooth.get_doc(LIVE, doc.name)
        doc.start_utc = doc.start_utc + dt.timedelta(minutes=5)
        doc.save()
    assert run_as_job(send_live_class_reminders) == 1


def _started(name: str) -> None:
    start = now_utc() - dt.timedelta(hours=2)
    smooth.db.set_value(LIVE, name, {"start_utc": start, "end_utc": start + dt.timedelta(minutes=45)})
    smooth.db.commit()


def _progress(member: str, course: str) -> float:
    return float(smooth.db.get_value("LMS Enrollment", {"member": member, "course": course}, "progress"))


def test_attendance_marked_by_the_host_feeds_progress_when_the_session_counts(live_lms: SiteHandle) -> None:
    batch, course = cohort()
    lesson = smooth.get_all("Course Lesson", pluck="name")[0]
    smooth.get_doc({"doctype": "LMS Course Progress", "member": ANA, "lesson": lesson, "status": "Complete"}).insert()
    smooth.get_doc("LMS Enrollment", smooth.db.get_value("LMS Enrollment", {"member": ANA})).save()
    assert _progress(ANA, course) == 100
    counted = schedule(batch, in_a_week(), course=course, counts_toward_progress=1)
    schedule(batch, in_a_week(), course=course)  # does not count
    assert _progress(ANA, course) == 50  # one lesson done, one counted session to attend
    _started(counted.name)
    smooth.set_user(HOST)
    try:
        with smooth.unit_of_work():
            doc = smooth.get_doc(LIVE, counted.name)
            for row in doc.attendance:
                row.attended = int(row.member == ANA)
            doc.save()
    finally:
        smooth.set_user("Administrator")
    assert {r.member: (r.attended, r.source) for r in doc.attendance} == {ANA: (1, "Host"), KOJI: (0, None)}
    assert _progress(ANA, course) == 100 and _progress(KOJI, course) == 0
    view = sessions(ANA, [batch])
    assert [(s["name"], s["attendance"]) for s in view["past"]] == [(counted.name, "Attended")]
    assert sessions(KOJI, [batch])["past"][0]["attendance"] == "Not attended"


def test_the_portal_shows_the_time_in_the_readers_zone_and_the_join_link_shortly_before(live_lms: SiteHandle) -> None:
    batch, _course = cohort()
    start = in_a_week()
    schedule(batch, start, join_link="https://meet.example.com/abc-defg-hij")
    early = sessions(KOJI, [batch])["upcoming"][0]
    tokyo = start + dt.timedelta(hours=9)  # Japan has no daylight saving time
    assert early["when"] == f"{tokyo:%a} {tokyo.day} {tokyo:%b %Y}, {tokyo:%H:%M}-" \
        f"{tokyo + dt.timedelta(minutes=45):%H:%M} (Asia/Tokyo)"
    assert early["join_url"] is None and early["join_opens"] == f"{tokyo - dt.timedelta(minutes=15):%H:%M}"
    soon = sessions(KOJI, [batch], now=start - dt.timedelta(minutes=10))["upcoming"][0]
    assert soon["join_url"] == "https://meet.example.com/abc-defg-hij" and not soon["live_now"]
    assert sessions(KOJI, [batch], now=start + dt.timedelta(minutes=5))["upcoming"][0]["live_now"]
    assert sessions(KOJI, [batch], now=start + dt.timedelta(minutes=46))["upcoming"] == []


def test_a_link_pasted_later_sends_the_invitation_again_with_it(live_lms: SiteHandle,
                                                                smtp_server: SmtpServer) -> None:
    batch, _course = cohort()
    doc = schedule(batch, in_a_week())
    with smooth.unit_of_work():
        doc = smooth.get_doc(LIVE, doc.name)
        doc.join_link = "https://meet.example.com/pasted"
        doc.save()
    first, again = _to(smtp_server, ANA)
    assert "https://meet.example.com/pasted" not in first.message.get_body(("html",)).get_content()
    assert "https://meet.example.com/pasted" in again.message.get_body(("html",)).get_content()
    assert str(_event(again)[1]["location"]) == "https://meet.example.com/pasted"
    with smooth.unit_of_work():  # a later edit of the description sends nothing
        doc = smooth.get_doc(LIVE, doc.name)
        doc.description = "Bring gloves"
        doc.save()
    assert len(_to(smtp_server, ANA)) == 2


def test_the_attendance_list_is_the_cohort_once_each(live_lms: SiteHandle) -> None:
    batch, _course = cohort()
    doc = schedule(batch, in_a_week())
    _started(doc.name)
    make_user("stranger@example.com")
    doc = smooth.get_doc(LIVE, doc.name)
    doc.append("attendance", {"member": KOJI, "attended": 1})  # a second row for Koji, ticked
    doc.append("attendance", {"member": "stranger@example.com", "attended": 0})  # not in the cohort
    doc.save()
    assert [(r.member, r.attended) for r in doc.attendance] == [(ANA, 0), (KOJI, 1)]
