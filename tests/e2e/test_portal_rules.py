"""What the portal shows instead of a booking, and the server's messages as worded: content left to do,
a cohort's evaluation end date, no evaluator, a cutoff; rescheduling; who may download the .ics; no JavaScript."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from playwright.sync_api import Browser, Page, expect

import smooth
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, screenshot
from tests.e2e.portal import (
    KOLKATA,
    course_with_evaluator,
    enrol_and_complete,
    learner,
    log_in_learner,
    open_picker,
    utc,
    weekday_ahead,
)
from tests.lms.conftest import make_course


def test_incomplete_content_shows_what_is_left_instead_of_the_form(page: Page, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live, lessons=4)
    with live.handle.context():
        learner("part@example.com")
    enrol_and_complete(live, "part@example.com", course, lessons[:1])
    log_in_learner(page, "part@example.com")
    open_picker(page, course)
    expect(page.get_by_role("heading", name="Complete the course first: 3 lessons to go")).to_be_visible()
    expect(page.locator("#lessons-left li")).to_have_count(3)
    expect(page.locator("#slot-form")).to_have_count(0)
    page.locator("#lessons-left a").first.click()
    expect(page).to_have_url(re.compile(rf"/learn/{lessons[1]}$"))
    assert_accessible(page)


def test_no_slot_after_the_cohorts_evaluation_end_date_is_offered_nor_taken(page: Page, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live)
    last = weekday_ahead(2, at_least_days=6)  # a Wednesday: the Thursday after it has slots too
    with live.handle.context():
        learner("cohort@example.com")
        smooth.get_doc({"doctype": "LMS Batch", "title": "Spring Cohort", "evaluation_end_date": last,
                        "courses": [{"course": course}], "members": [{"member": "cohort@example.com"}]}).insert()
        smooth.db.commit()
    enrol_and_complete(live, "cohort@example.com", course, lessons)
    log_in_learner(page, "cohort@example.com")
    open_picker(page, course)
    expect(page.locator("#slot-form")).to_be_visible()
    expect(page.get_by_text(f"evaluations end on {last.isoformat()}")).to_be_visible()
    offered = [dt.date.fromisoformat(re.search(r"date=([\d-]+)", h or "").group(1))  # type: ignore[union-attr]
               for h in page.locator(".date-list a").evaluate_all("els => els.map(e => e.getAttribute('href'))")]
    assert offered and max(offered) <= last and last in offered
    late = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(8, 0))  # the day after: past the end date
    page.locator("#slot-form input[name=slot]").first.evaluate(
        "(el, v) => { el.value = v; el.checked = true; }", late.isoformat() + "Z")
    page.get_by_role("button", name="Book this slot").click()
    expect(page.locator("#booking-error")).to_contain_text(
        f"Evaluations for cohort Spring Cohort end on {last.isoformat()}; pick a date on or before it")


def test_a_course_without_an_evaluator_says_so(page: Page, live: LiveSite) -> None:
    with live.handle.context():
        course = make_course("Lonely Course")
        learner("alone@example.com")
        smooth.get_doc({"doctype": "LMS Enrollment", "member": "alone@example.com", "course": course,
                        "progress": 100}).insert()
        smooth.db.commit()
    log_in_learner(page, "alone@example.com")
    open_picker(page, course)
    expect(page.locator("#picker-error")).to_contain_text("Lonely Course has no evaluator yet")
    assert_accessible(page)


def test_rescheduling_moves_the_slot_and_raises_the_calendar_sequence(page: Page, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live)
    with live.handle.context():
        learner("move@example.com")
    enrol_and_complete(live, "move@example.com", course, lessons)
    log_in_learner(page, "move@example.com")
    open_picker(page, course, weekday_ahead(0))
    page.locator("#slot-form input[name=slot]").first.check()
    page.get_by_role("button", name="Book this slot").click()
    name = page.url.split("/lms/evaluations/")[1].split("?")[0]
    page.get_by_role("link", name="Reschedule").click()
    expect(page.get_by_role("heading", name="Reschedule evaluation")).to_be_visible()
    page.get_by_role("link", name=re.compile(weekday_ahead(1).strftime("%A, %d %B %Y"))).click()
    new = page.locator("#slot-form input[name=slot]").nth(1)
    start = utc(str(new.get_attribute("value")))
    new.check()
    page.get_by_role("button", name="Move my evaluation here").click()
    expect(page.locator("#notice")).to_have_text("Evaluation rescheduled")
    expect(page).to_have_url(re.compile(rf"/lms/evaluations/{name}\?rescheduled=1$"))
    expect(page.locator("#local-time")).to_have_text(re.compile(rf"^{start.astimezone(KOLKATA):%H:%M}–"))
    with live.handle.context():
        moved = smooth.db.get_value("LMS Certificate Request", name, ["sequence", "start_utc"], as_dict=True)
    assert moved["sequence"] == 1 and moved["start_utc"] == start.replace(tzinfo=None)


def test_a_cancel_inside_the_cutoff_shows_the_servers_message(page: Page, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live)
    with live.handle.context():
        learner("late@example.com")
    enrol_and_complete(live, "late@example.com", course, lessons)
    log_in_learner(page, "late@example.com")
    open_picker(page, course, weekday_ahead(0))
    page.locator("#slot-form input[name=slot]").first.check()
    page.get_by_role("button", name="Book this slot").click()
    with live.handle.context():
        smooth.db.set_single_value("LMS Settings", "cancellation_cutoff_hours", 24 * 30)
        smooth.db.commit()
    page.get_by_role("button", name="Cancel evaluation").click()
    page.get_by_role("button", name="Yes, cancel the evaluation").click()
    expect(page.locator("#request-error")).to_contain_text("Requests can no longer cancel within 720 hours of the slot")
    expect(page.locator(".page-head .indicator")).to_have_text("Pending")
    assert_accessible(page)


def test_only_the_learner_the_evaluator_and_staff_open_a_request_and_its_ics(browser: Browser, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live)
    with live.handle.context():
        learner("owner@example.com")
        learner("nosy@example.com")
    enrol_and_complete(live, "owner@example.com", course, lessons)
    ctx = browser.new_context(base_url=live.url, viewport=DESK_WIDTH)
    page = ctx.new_page()
    log_in_learner(page, "owner@example.com")
    open_picker(page, course, weekday_ahead(0))
    page.locator("#slot-form input[name=slot]").first.check()
    page.get_by_role("button", name="Book this slot").click()
    name = page.url.split("/lms/evaluations/")[1].split("?")[0]
    ctx.close()
    for user, password, allowed in (("nosy@example.com", "learn-pw-1", False),
                                    ("eve.berlin@example.com", "secret-pw", True)):
        ctx = browser.new_context(base_url=live.url, viewport=DESK_WIDTH)
        page = ctx.new_page()
        page.goto("/login")
        page.get_by_label("Email or user name").fill(user)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        for path in (f"/lms/evaluations/{name}", f"/lms/evaluations/{name}/ics"):
            response = page.request.get(path)
            assert (response.status == 200) is allowed, (user, path, response.status)
            if path.endswith("/ics") and allowed:
                assert response.headers["content-type"].startswith("text/calendar")
        ctx.close()


def test_booking_works_with_javascript_off(browser: Browser, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live)
    with live.handle.context():
        learner("nojs@example.com")
    enrol_and_complete(live, "nojs@example.com", course, lessons)
    ctx = browser.new_context(base_url=live.url, viewport=DESK_WIDTH, java_script_enabled=False)
    page = ctx.new_page()
    log_in_learner(page, "nojs@example.com")
    open_picker(page, course)
    page.get_by_label("Your time zone").select_option("America/New_York")
    page.get_by_role("button", name="Show times in this zone").click()
    expect(page.get_by_label("Your time zone")).to_have_value("America/New_York")
    page.locator(".date-list a").nth(1).click()
    radio = page.locator("#slot-form input[name=slot]").first
    start = utc(str(radio.get_attribute("value")))
    radio.check()
    page.get_by_role("button", name="Book this slot").click()
    expect(page.locator("#local-zone")).to_contain_text("America/New_York")
    local = start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    expect(page.locator("#local-time")).to_have_text(re.compile(rf"^{local:%H:%M}–"))
    screenshot(page, "portal-confirmation-nojs", live.handle.backend)
    ctx.close()


def test_an_evaluators_leave_is_never_offered_and_a_forced_post_gets_the_servers_message(
        page: Page, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live)
    leave = weekday_ahead(0, at_least_days=7)
    with live.handle.context():
        doc = smooth.get_doc("Course Evaluator", "eve.berlin@example.com")
        doc.append("unavailability", {"from_date": leave, "to_date": leave + dt.timedelta(days=2),
                                      "reason": "Training"})
        doc.save()
        learner("leave@example.com")
        smooth.db.commit()
    enrol_and_complete(live, "leave@example.com", course, lessons)
    log_in_learner(page, "leave@example.com")
    open_picker(page, course)
    hrefs = page.locator(".date-list a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    offered = {dt.date.fromisoformat(re.search(r"date=([\d-]+)", h).group(1)) for h in hrefs}  # type: ignore[union-attr]
    assert not offered & {leave, leave + dt.timedelta(days=1), leave + dt.timedelta(days=2)}
    on_leave = dt.datetime.combine(leave, dt.time(9, 0), tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    page.locator("#slot-form input[name=slot]").first.evaluate(
        "(el, v) => { el.value = v; el.checked = true; }", f"{on_leave.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S}Z")
    page.get_by_role("button", name="Book this slot").click()
    until = leave + dt.timedelta(days=2)
    expect(page.locator("#booking-error")).to_have_text(
        f"The evaluator is unavailable from {leave.isoformat()} to {until.isoformat()}; "
        f"select a date after {until.isoformat()}")
    expect(page.locator("#slot-form")).to_be_visible()


def test_every_portal_page_is_accessible_and_fits_a_phone(page: Page, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live)
    with live.handle.context():
        learner("all@example.com")
        cohort = smooth.get_doc({"doctype": "LMS Batch", "title": "All Pages Cohort", "courses": [{"course": course}],
                                 "members": [{"member": "all@example.com"}]}).insert().name
        smooth.db.commit()
    enrol_and_complete(live, "all@example.com", course, lessons[:1])
    page.goto("/lms/courses")
    expect(page.get_by_role("link", name="Portal Safety")).to_be_visible()  # the catalogue is public
    page.goto("/lms")
    expect(page).to_have_url(re.compile(r"/login\?redirect-to=/lms$"))
    log_in_learner(page, "all@example.com")
    paths = ["/lms", "/lms/courses", f"/lms/courses/{course}", f"/lms/courses/{course}/learn/{lessons[1]}",
             f"/lms/courses/{course}/certification", "/lms/evaluations", f"/lms/cohorts/{cohort}"]
    for size in (DESK_WIDTH, PHONE_WIDTH):
        page.set_viewport_size(size)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            assert_accessible(page)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (path, size)
    screenshot(page, "portal-cohort-phone", live.handle.backend)
    assert page.goto("/lms/cohorts/not-mine") is not None
    expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")


def test_the_devices_zone_is_offered_when_it_differs(browser: Browser, live: LiveSite) -> None:
    course, lessons = course_with_evaluator(live)
    with live.handle.context():
        learner("travel@example.com")
    enrol_and_complete(live, "travel@example.com", course, lessons)
    ctx = browser.new_context(base_url=live.url, viewport=DESK_WIDTH, timezone_id="America/Sao_Paulo")
    page = ctx.new_page()
    log_in_learner(page, "travel@example.com")
    open_picker(page, course)
    expect(page.get_by_label("Your time zone")).to_have_value("Asia/Kolkata")
    page.get_by_role("button", name="Use this device's zone (America/Sao_Paulo)").click()
    expect(page.get_by_label("Your time zone")).to_have_value("America/Sao_Paulo")
    expect(page.get_by_role("button", name=re.compile("Use this device's zone"))).to_be_hidden()
    ctx.close()
