"""The desk's search bar suggests as the user types and goes where they choose; the form's Print menu
opens the print view and offers the PDF (issue 20, defect 17). SQLite only: what is tested happens in the
browser (the search's matching on both databases is tests/pages/test_desk_basics.py)."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

import smooth
from tests.conftest import make_user
from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.lms.conftest import make_course

MOD, PASSWORD = "mod.search@example.com", "search-pw-1"
ADMIN = "sysman.backups@example.com"
FORMAT = "Search Test Sheet"


def test_search_type_ahead_and_print_menu(page: Page, context: BrowserContext, live: LiveSite) -> None:
    with live.handle.context():
        make_user(MOD, "Moderator", password=PASSWORD)
        course = make_course("Forklift Basics")
        if not smooth.db.exists("Print Format", FORMAT):
            smooth.get_doc({"doctype": "Print Format", "name": FORMAT, "doc_type": "LMS Course",
                            "html": "<h1>Sheet of {{ doc.title }}</h1>"}).insert()
        smooth.db.commit()
    try:
        log_in(page, MOD, PASSWORD, then="/app")
        search = page.get_by_role("searchbox", name="Search the desk")
        search.fill("forkl")
        hit = page.locator("#desk-search-results").get_by_role("link", name=re.compile("Forklift Basics"))
        expect(hit).to_be_visible()
        screenshot(page, "desk-search-type-ahead", live.handle.backend)
        search.press("ArrowDown")
        expect(hit).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(rf"/app/lms-course/{course}$"))

        menu = page.locator("[data-print-menu]")
        menu.locator("summary").click()
        pdf = menu.get_by_role("menuitem", name="Download PDF")
        expect(pdf).to_be_visible()
        assert "download_pdf" in (pdf.get_attribute("href") or "")
        assert_accessible(page)
        screenshot(page, "desk-form-print-menu", live.handle.backend)
        with context.expect_page() as opened:
            menu.get_by_role("menuitem", name="Print").click()
        printed = opened.value
        printed.wait_for_load_state()
        expect(printed.locator("h1")).to_have_text("Sheet of Forklift Basics")
        printed.close()

        page.set_viewport_size(PHONE_WIDTH)
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH["width"]
        search = page.get_by_role("searchbox", name="Search the desk")
        search.fill("lms course")
        expect(page.locator("#desk-search-results").get_by_role("link", name=re.compile("LMS Course"))
               .first).to_be_visible()
        screenshot(page, "desk-search-phone", live.handle.backend)
    finally:
        with live.handle.context():
            smooth.delete_doc("Print Format", FORMAT, force=True, ignore_permissions=True)
            smooth.db.commit()


def test_back_up_now_shows_the_job_then_its_set(page: Page, live: LiveSite) -> None:
    """The button posts to the whitelisted method with the CSRF header (desk.js), the page reloads to the job's
    state and, once it is done, lists the new set (the job runs after the response: no redis_queue here)."""
    with live.handle.context():
        make_user(ADMIN, "System Manager", password=PASSWORD)
    log_in(page, ADMIN, PASSWORD, then="/app/backups")
    rows = page.locator("table.data tbody tr")
    before = rows.count()
    page.get_by_role("button", name="Back up now").click()
    expect(page.get_by_role("status").filter(has_text="is done")).to_be_visible(timeout=30_000)
    expect(rows).to_have_count(before + 1)
    expect(page.get_by_role("button", name="Back up now")).to_be_enabled()
    assert_accessible(page)
    screenshot(page, "desk-backups-done", live.handle.backend)
