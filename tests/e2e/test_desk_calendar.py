"""An evaluator's week in the browser: the Learning workspace with their count, the calendar in their zone."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

import smooth
from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.lms.conftest import book, make_course, make_evaluator, make_learner
from tests.pages.served import EVERY_DAY, next_offset_change

CAL = "/app/lms-certificate-request/view/calendar"
PASSWORD = "secret-pw"  # make_evaluator's users


def _week_with_a_clock_change(live: LiveSite) -> dict[str, object]:
    """eva (in New York, the system being UTC) has two requests in the week the clocks change; ed has one."""
    with live.handle.context():
        change = next_offset_change("America/New_York", smooth.today() + dt.timedelta(days=10))
        monday = change - dt.timedelta(days=change.weekday())
        safety, forklift = make_course("Safety Basics"), make_course("Forklift")
        make_evaluator("eva@example.com", [safety], EVERY_DAY, timezone="UTC")
        make_evaluator("ed@example.com", [forklift], EVERY_DAY, timezone="UTC")
        smooth.db.set_value("User", "eva@example.com", "time_zone", "America/New_York")
        make_learner("lea@example.com", safety)
        make_learner("leo@example.com", safety)
        smooth.get_doc({"doctype": "LMS Enrollment", "member": "lea@example.com", "course": forklift,
                        "progress": 100}).insert()
        before = book("lea@example.com", safety, monday, "15:00").name
        after = book("leo@example.com", safety, change, "15:00").name
        other = book("lea@example.com", forklift, monday, "16:00").name
        smooth.db.commit()
    spring = change.month < 7
    return {"change": change, "before": before, "after": after, "other": other,
            "before_at": "10:00–10:30" if spring else "11:00–11:30",
            "after_at": "11:00–11:30" if spring else "10:00–10:30"}


def test_an_evaluator_goes_from_the_workspace_to_their_week_and_opens_a_request(page: Page, live: LiveSite) -> None:
    week = _week_with_a_clock_change(live)
    backend = live.handle.backend
    log_in(page, "eva@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/app$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning")
    mine = page.get_by_role("link", name=re.compile(r"^Pending requests assigned to me"))
    expect(mine.locator(".ws-count")).to_have_text("2 Pending")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Learning")).to_be_visible()
    expect(page.get_by_role("link", name="Users and Settings")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "workspace", backend)

    page.get_by_role("link", name="Evaluation calendar").click()
    expect(page).to_have_url(re.compile(re.escape(CAL) + "$"))
    expect(page.get_by_text("Times in America/New_York")).to_be_visible()
    page.goto(f"{CAL}?view=week&date={week['change']}")
    before = page.locator(f'a[data-name="{week["before"]}"]')
    after = page.locator(f'a[data-name="{week["after"]}"]')
    expect(before).to_contain_text(str(week["before_at"]))
    expect(before).to_contain_text("lea · Safety Basics")
    expect(after).to_contain_text(str(week["after_at"]))
    expect(page.locator(f'a[data-name="{week["other"]}"]')).to_have_count(0)
    expect(page.get_by_text("the clocks change")).to_be_visible()
    # the later local time sits lower in its column: blocks are placed by the viewer's wall clock
    before_box, after_box = before.bounding_box(), after.bounding_box()
    assert before_box is not None and after_box is not None
    assert (before_box["y"] < after_box["y"]) == (week["before_at"] < week["after_at"])
    assert_accessible(page)
    screenshot(page, "calendar-week", backend)

    before.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/app/lms-certificate-request/{week['before']}$"))
    page.go_back()
    page.locator(f'a[data-name="{week["after"]}"]').click()
    expect(page).to_have_url(re.compile(rf"/app/lms-certificate-request/{week['after']}$"))


def test_the_calendar_at_phone_width(page: Page, live: LiveSite) -> None:
    week = _week_with_a_clock_change(live)
    page.set_viewport_size(PHONE_WIDTH)
    log_in(page, "eva@example.com", PASSWORD)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot(page, "workspace-phone", live.handle.backend)

    page.goto(f"{CAL}?view=week&date={week['change']}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), \
        "the week scrolls inside its own region, not the page"
    expect(page.locator(f'a[data-name="{week["before"]}"]')).to_contain_text(str(week["before_at"]))
    assert_accessible(page)
    screenshot(page, "calendar-week-phone", live.handle.backend)

    page.get_by_role("link", name="Day", exact=True).click()
    expect(page).to_have_url(re.compile(r"view=day"))
    page.get_by_role("link", name="Next day").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        (week["change"] + dt.timedelta(days=1)).strftime("%A %d %B %Y"))  # type: ignore[operator]
    assert_accessible(page)
    screenshot(page, "calendar-day-phone", live.handle.backend)
