"""The learner's journey in a real browser: lessons to 100%, book an evaluation in Kolkata time with an
evaluator in Berlin, the confirmation and its .ics, a duplicate, cancel, rebook; two learners racing for a slot."""

from __future__ import annotations

import re
from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

import smooth
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, screenshot
from tests.e2e.portal import (
    BERLIN,
    KOLKATA,
    course_with_evaluator,
    enrol_and_complete,
    learner,
    log_in_learner,
    open_picker,
    utc,
    weekday_ahead,
)


def _pick_first_slot(page: Page) -> str:
    radio = page.locator("#slot-form input[name=slot]").first
    radio.check()
    return str(radio.get_attribute("value"))


def test_a_learner_completes_the_course_books_in_kolkata_time_downloads_the_ics_cancels_and_rebooks(
        page: Page, live: LiveSite, tmp_path: Path) -> None:
    course, lessons = course_with_evaluator(live)
    with live.handle.context():
        learner("asha@example.com")
    log_in_learner(page, "asha@example.com")
    page.goto(f"/lms/courses/{course}")
    assert_accessible(page)
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page).to_have_url(re.compile(rf"/learn/{lessons[0]}$"))
    for position, _lesson in enumerate(lessons, start=1):
        page.get_by_role("button", name="Mark complete").click()
        expect(page.locator("progress").first).to_have_attribute("value", re.compile(
            r"^100(\.0)?$" if position == len(lessons) else r"^\d"))
    assert_accessible(page)
    page.goto(f"/lms/courses/{course}")
    expect(page.locator("progress")).to_have_attribute("value", re.compile(r"^100(\.0)?$"))
    screenshot(page, "portal-course", live.handle.backend)

    page.get_by_role("link", name="Certification").click()
    expect(page.get_by_label("Your time zone")).to_have_value("Asia/Kolkata")
    expect(page.locator("#evaluator-line")).to_contain_text("Eve Berlin")
    monday = weekday_ahead(0)
    page.get_by_role("link", name=re.compile(monday.strftime("%A, %d %B %Y"))).click()
    first = page.locator("#slot-form input[name=slot]").first
    start = utc(str(first.get_attribute("value")))
    assert f"{start.astimezone(BERLIN):%H:%M}" == "09:00"  # the evaluator's day starts at 09:00 in Berlin
    local = start.astimezone(KOLKATA)
    expect(page.locator("#slot-form label").first).to_contain_text(f"{local:%H:%M}")
    assert_accessible(page)
    screenshot(page, "portal-slot-picker", live.handle.backend)
    first.check()
    page.get_by_role("button", name="Book this slot").click()

    expect(page.locator("#notice")).to_contain_text("Evaluation booked")
    expect(page.locator("#local-date")).to_have_text(f"{local:%A, %d %B %Y}")
    expect(page.locator("#local-time")).to_have_text(re.compile(rf"^{local:%H:%M}–"))
    expect(page.locator("#local-zone")).to_have_text("Asia/Kolkata (GMT+05:30)")
    expect(page.locator("#evaluator")).to_have_text("Eve Berlin")
    assert_accessible(page)
    screenshot(page, "portal-confirmation", live.handle.backend)
    name = page.url.split("/lms/evaluations/")[1].split("?")[0]

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    ics = tmp_path / "evaluation.ics"
    download.value.save_as(ics)
    event = next(iter(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")))
    assert event.decoded("dtstart") == start
    assert str(event["organizer"]) == "mailto:eve.berlin@example.com"
    assert "Asia/Kolkata" in str(event["description"])
    google = page.get_by_role("link", name="Google Calendar").get_attribute("href") or ""
    assert f"{start:%Y%m%dT%H%M%SZ}" in google

    open_picker(page, course)  # a pending request: no slot picker to be refused from, but what to do instead
    pending = page.locator("#pending-evaluation")
    expect(pending).to_contain_text(f"({name}): reschedule or cancel it")
    expect(page.locator("#slot-form")).to_have_count(0)
    expect(pending.get_by_role("link", name="Reschedule")).to_have_attribute(
        "href", re.compile(rf"\?reschedule={name}&"))
    assert_accessible(page)

    page.goto(f"/lms/evaluations/{name}")
    page.get_by_role("button", name="Cancel evaluation").click()
    expect(page.locator("#confirm-cancel")).to_contain_text("Cancel this evaluation?")
    expect(page.locator(".page-head .indicator")).to_have_text("Pending")  # nothing happens on one click
    page.get_by_role("button", name="Yes, cancel the evaluation").click()
    expect(page.locator("#notice")).to_have_text("Evaluation cancelled")
    expect(page.locator(".page-head .indicator")).to_have_text("Cancelled")
    expect(page.get_by_role("link", name="Add to calendar (.ics)")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Remove from calendar (.ics)").click()
    download.value.save_as(ics)
    assert str(Calendar.from_ical(ics.read_bytes())["method"]) == "CANCEL"

    open_picker(page, course)
    _pick_first_slot(page)
    page.get_by_role("button", name="Book this slot").click()
    expect(page.locator("#notice")).to_contain_text("Evaluation booked")
    page.goto("/lms/evaluations")
    expect(page.locator("#head-pending")).to_contain_text("(1)")
    expect(page.locator("#head-cancelled")).to_contain_text("(1)")
    assert_accessible(page)
    page.set_viewport_size(PHONE_WIDTH)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "portal-evaluations-phone", live.handle.backend)


def test_two_learners_race_for_one_slot_the_second_sees_it_taken_and_a_fresh_list(
        browser: Browser, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live)
    with live.handle.context():
        for email in ("first@example.com", "second@example.com"):
            learner(email)
    for email in ("first@example.com", "second@example.com"):
        enrol_and_complete(live, email, course, lessons)
    pages = []
    for email in ("first@example.com", "second@example.com"):
        ctx = browser.new_context(base_url=live.url, viewport=DESK_WIDTH)
        ctx.set_default_timeout(10_000)
        page = ctx.new_page()
        log_in_learner(page, email)
        open_picker(page, course, weekday_ahead(2))
        pages.append(page)
    chosen = [_pick_first_slot(p) for p in pages]
    assert chosen[0] == chosen[1]
    pages[0].get_by_role("button", name="Book this slot").click()
    expect(pages[0].locator("#notice")).to_contain_text("Evaluation booked")
    pages[1].get_by_role("button", name="Book this slot").click()
    expect(pages[1].locator("#booking-error")).to_contain_text(
        "Slot already booked: pick a different time; another member holds this slot")
    values = pages[1].locator("#slot-form input[name=slot]").evaluate_all("els => els.map(e => e.value)")
    assert chosen[0] not in values and values  # the list is fresh: the taken slot is gone, the others remain
    expect(pages[1].locator("#slot-form input[name=date]")).to_have_value(weekday_ahead(2).isoformat())
    assert_accessible(pages[1])
    pages[1].locator("#slot-form input[name=slot]").first.check()
    pages[1].get_by_role("button", name="Book this slot").click()
    expect(pages[1].locator("#notice")).to_contain_text("Evaluation booked")
    with live.handle.context():
        assert smooth.db.count("LMS Certificate Request", {"status": "Pending"}) == 2
    for p in pages:
        p.context.close()
