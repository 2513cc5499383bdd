"""An evaluator in Europe/Berlin on a UTC site reads the learner's 09:00 Berlin booking as 09:00, the zone
named, in the list, the form and the calendar (issue 20, defect 1).

SQLite only: the zones are the desk's, the database stores the same UTC instant on both.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.pages.desk_data import AVA, BERLIN, PASSWORD, booked_at_nine_berlin

LIST = "/app/lms-certificate-request"


def test_an_evaluator_in_berlin_reads_nine_oclock_berlin_in_list_form_and_calendar(page: Page,
                                                                                    live: LiveSite) -> None:
    name, _, start = booked_at_nine_berlin(live.handle)
    day = start.astimezone(BERLIN).date()
    log_in(page, AVA, PASSWORD, then=LIST)

    expect(page.get_by_role("columnheader", name="Start (Europe/Berlin)")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Start Time")).to_have_count(0)
    row = page.locator("table.list-table tbody tr", has_text=name)
    expect(row).to_contain_text(f"{day} 09:00")
    screenshot(page, "tz-list", live.handle.backend)

    row.get_by_role("link").first.click()
    expect(page.locator('[data-fieldname="start_utc"] .ro-value')).to_have_text(f"{day} 09:00 (Europe/Berlin)")
    expect(page.locator('[data-fieldname="start_time"] .zone')).to_have_text("UTC")  # the system zone's copy
    expect(page.get_by_text("Start (UTC)")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "tz-form", live.handle.backend)

    page.goto(f"{LIST}/view/calendar?view=day&date={day}")
    expect(page.get_by_text("Times in Europe/Berlin")).to_be_visible()
    expect(page.locator(f'a[data-name="{name}"]')).to_contain_text("09:00")
    screenshot(page, "tz-calendar", live.handle.backend)

    page.set_viewport_size(PHONE_WIDTH)
    page.goto(f"{LIST}/{name}")
    expect(page.locator('[data-fieldname="start_utc"]')).to_contain_text("09:00 (Europe/Berlin)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "tz-form-phone", live.handle.backend)
