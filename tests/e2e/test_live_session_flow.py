"""A cohort live session end to end, on both databases: the host (Berlin) schedules it in the desk, Google
(the loopback fake) gives it a Meet link, members get the invitation by mail, a learner in Tokyo sees the
Tokyo time and the join link on the portal, the host ticks attendance and the learner's progress shows it."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

import smooth
import smooth_lms.meet_links as meet_links
from smooth_lms.timezones import now_utc
from tests.api.helpers import set_site_config
from tests.api.serving import serving
from tests.conftest import make_user
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.integrations.google_fake import GoogleFake
from tests.lms.content import add_lessons
from tests.mail.conftest import SmtpServer, smtp_server  # noqa: F401  (the SMTP sink)

pytestmark = pytest.mark.both_backends

HOST, KOJI, ANA, PASSWORD = "hana.host@example.com", "koji@example.com", "ana@example.com", "secret-pw"
BERLIN, TOKYO = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo")
LIVE = "LMS Live Class"


@pytest.fixture
def google_and_mail(live: LiveSite, smtp_server: SmtpServer,  # noqa: F811
                    monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleFake]:
    """Google Settings pointing at the fake (service account), mail to the sink, jobs inline."""
    fake = GoogleFake()
    monkeypatch.setattr(meet_links, "BACKOFF_SECONDS", (0.01, 0.01, 0.01))
    set_site_config(live.handle, redis_queue=None, mail_server="127.0.0.1", mail_port=smtp_server.port,
                    auto_email_id="lms@smooth.test")
    with serving(fake.app()) as url:
        fake.base_url = url
        with live.handle.context():
            settings = smooth.get_doc("Google Settings")
            settings.update({"enabled": 1, "auth_mode": "Service Account", "api_base_url": fake.api_base_url,
                             "token_url": fake.token_url, "service_account_json": json.dumps(
                                 fake.service_account_info())})
            settings.save()
            smooth.db.commit()
        yield fake
        with live.handle.context():
            smooth.db.set_single_value("Google Settings", "enabled", 0)
            smooth.db.commit()
    set_site_config(live.handle, mail_server=None, mail_port=None)


def _cohort(live: LiveSite) -> tuple[str, str]:
    with live.handle.context():
        make_user(HOST, "Batch Evaluator", password=PASSWORD)
        smooth.db.set_value("User", HOST, {"time_zone": "Europe/Berlin", "first_name": "Hana",
                                           "full_name": "Hana Host"})
        course = smooth.get_doc({"doctype": "LMS Course", "title": "Crane Signals", "published": 1}).insert().name
        (lesson,) = add_lessons(course, {"Signals": ["Hand signals"]})
        smooth.get_doc({"doctype": "Course Evaluator", "evaluator": HOST, "timezone": "Europe/Berlin",
                        "courses": [{"course": course}]}).insert()
        for member, zone in ((KOJI, "Asia/Tokyo"), (ANA, "America/New_York")):
            make_user(member, "LMS Student", password=PASSWORD)
            smooth.db.set_value("User", member, "time_zone", zone)
            smooth.get_doc({"doctype": "LMS Enrollment", "member": member, "course": course}).insert()
        smooth.get_doc({"doctype": "LMS Course Progress", "member": KOJI, "lesson": lesson,
                        "status": "Complete"}).insert()
        batch = smooth.get_doc({"doctype": "LMS Batch", "title": "Crane Crew", "courses": [{"course": course}],
                                "members": [{"member": KOJI}, {"member": ANA}]}).insert().name
        smooth.get_doc("LMS Enrollment", smooth.db.get_value("LMS Enrollment", {"member": KOJI})).save()
        smooth.db.commit()
    return batch, course


def _wait_for_meet_job(live: LiveSite, name: str, seconds: float = 30) -> None:
    """What the host sees after coming back once the Meet job has run (the page does not refresh itself)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with live.handle.context():
            if smooth.db.get_value(LIVE, name, "meet_status") != "Pending":
                return
        time.sleep(0.2)


def _span(local_start: dt.datetime) -> str:
    """A 30-minute session's times as the mails and the dashboard write them: an end past midnight (the run's
    clock in Tokyo) carries its own date."""
    end = local_start + dt.timedelta(minutes=30)
    until = f"{end:%H:%M}" if end.date() == local_start.date() else f"{end:%a} {end.day} {end:%b %Y} {end:%H:%M}"
    return f"{local_start:%H:%M}-{until}"


def test_host_schedules_members_are_invited_learner_joins_in_tokyo_time_and_attendance_counts(
        page: Page, browser: Browser, live: LiveSite, google_and_mail: GoogleFake,
        smtp_server: SmtpServer) -> None:  # noqa: F811
    batch, course = _cohort(live)
    start = (now_utc() + dt.timedelta(minutes=10)).replace(second=0, microsecond=0).replace(tzinfo=dt.UTC)
    berlin, tokyo = start.astimezone(BERLIN), start.astimezone(TOKYO)

    log_in(page, HOST, PASSWORD, then="/app/lms-live-class/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("New LMS Live Class")
    page.get_by_label("Title", exact=True).fill("Signals drill")
    page.get_by_label("Cohort", exact=True).fill(batch)
    page.get_by_label("Course", exact=True).fill(course)
    page.get_by_label("Attendance Counts Toward Progress").check()
    page.get_by_label("Start", exact=True).fill(f"{berlin:%Y-%m-%dT%H:%M}")  # the host's own zone
    page.get_by_label("Duration (Minutes)").fill("30")
    page.get_by_role("button", name="Save").first.click()
    expect(page).to_have_url(re.compile(r"/app/lms-live-class/LMS-LC-\d{4}-\d{5}\?saved=1$"))
    name = page.url.rsplit("/", 1)[1].split("?")[0]
    _wait_for_meet_job(live, name)  # it runs after the save's response: a loaded machine may need seconds
    page.reload()
    expect(page.locator('[data-fieldname="meet_status"]')).to_contain_text("Created")
    assert_accessible(page)
    screenshot(page, "live-class-desk", live.handle.backend)

    page.goto(f"/app/lms-live-class/view/calendar?view=day&date={berlin:%Y-%m-%d}")
    expect(page.locator(f'a[data-name="{name}"]')).to_contain_text(f"{berlin:%H:%M}")  # the host's clock
    page.goto(f"/app/lms-live-class/{name}")

    with live.handle.context():
        row = smooth.db.get_value(LIVE, name, ["start_utc", "join_link"], as_dict=True)
    assert row["start_utc"] == start.replace(tzinfo=None)
    link = row["join_link"]
    (event,) = google_and_mail.live_events()
    assert sorted(a["email"] for a in event["attendees"]) == [ANA, KOJI]
    invited = {r for m in smtp_server.sink.received for r in m.recipients
               if " ".join(str(m.message["Subject"]).split()).startswith("Live session: Signals drill")}
    assert invited == {HOST, KOJI, ANA}
    (koji_mail,) = [m for m in smtp_server.sink.received if KOJI in m.recipients]
    assert f"{_span(tokyo)} (Asia/Tokyo)" in " ".join(str(koji_mail.message["Subject"]).split())

    learner = browser.new_context(base_url=live.url, viewport=PHONE_WIDTH, accept_downloads=True)
    try:
        mine = learner.new_page()
        log_in(mine, KOJI, PASSWORD, then="/lms")
        session = mine.locator(f'[data-live-class="{name}"]')
        when = f"{tokyo:%a} {tokyo.day} {tokyo:%b %Y}, {_span(tokyo)}"
        expect(session.locator(".live-when")).to_have_text(f"{when} (Asia/Tokyo)")
        expect(session.get_by_role("link", name=re.compile("Join live session"))).to_have_attribute("href", link)
        expect(mine.get_by_role("progressbar", name="Progress in Crane Signals")).to_have_attribute(
            "value", re.compile(r"^50(\.0)?$"))  # the lesson done, the session to attend
        assert_accessible(mine)
        screenshot(mine, "live-class-dashboard-phone", live.handle.backend)
        with mine.expect_download() as info:
            session.get_by_role("link", name=re.compile("Add to calendar")).click()
        path = info.value.path()
        assert path is not None
        (vevent,) = Calendar.from_ical(open(path, "rb").read()).walk("VEVENT")
        assert vevent.decoded("dtstart") == start and str(vevent["location"]) == link

        with live.handle.context():  # the session took place
            smooth.db.set_value(LIVE, name, {"start_utc": start.replace(tzinfo=None) - dt.timedelta(hours=1),
                                             "end_utc": start.replace(tzinfo=None) - dt.timedelta(minutes=30)})
            smooth.db.commit()
        page.reload()
        grid = page.locator("table[data-grid='attendance'] tbody tr[data-row]")
        expect(grid).to_have_count(2)
        grid.nth(0).get_by_label("Attended (Attendance row)").check()  # Koji, the cohort's first member
        page.get_by_role("button", name="Save").first.click()
        expect(page.get_by_role("status")).to_contain_text("Saved")
        screenshot(page, "live-class-attendance-desk", live.handle.backend)

        mine.goto(f"/lms/cohorts/{batch}")
        past = mine.locator("table.live-past tbody tr", has_text="Signals drill")
        expect(past).to_contain_text("Attended")
        expect(mine.get_by_role("progressbar", name="Progress in Crane Signals")).to_have_attribute(
            "value", re.compile(r"^100(\.0)?$"))
        assert_accessible(mine)
        screenshot(mine, "live-class-cohort-phone", live.handle.backend)
        mine.set_viewport_size(DESK_WIDTH)
        screenshot(mine, "live-class-cohort-desk", live.handle.backend)
    finally:
        learner.close()
    with live.handle.context():
        assert smooth.db.get_value("LMS Enrollment", {"member": ANA}, "progress") == 0
