"""Every main desk and portal page at 390 px: nothing needs horizontal scrolling, no nav link is off-screen,
and the list's filters are folded so the records come first. Layout does not depend on the database:
SQLite only."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

import smooth
from tests.e2e.conftest import PHONE_WIDTH, LiveSite, log_in, screenshot
from tests.pages.desk_data import LEA1, PASSWORD, make_desk_data

DESK_PAGES = ["/app", "/app/learning", "/app/hr", "/app/users", "/app/lms-certificate-request",
              "/app/lms-certificate-request/view/report", "/app/lms-certificate-request/view/calendar",
              "/app/lms-certificate-request/new", "/app/employee-document", "/app/workflow",
              "/app/workflow/LMS%20Certificate%20Request", "/app/compliance-dashboard", "/statistics/learning",
              "/app/no-such-page"]
PORTAL_PAGES = ["/lms", "/lms/courses", "/lms/evaluations", "/lms/certificates", "/lms/no-such-page"]
SLACK = 1  # a sub-pixel rounding


def overflow(page: Page) -> dict[str, object]:
    """The page's width beyond the viewport, and the nav links not wholly on screen."""
    return page.evaluate("""() => ({
        width: document.documentElement.scrollWidth,
        offscreen: Array.from(document.querySelectorAll('.navbar-links a')).filter(a => {
            const box = a.getBoundingClientRect();
            return box.width === 0 || box.left < 0 || box.right > window.innerWidth + 1;
        }).map(a => a.textContent.trim()),
    })""")


def walk(page: Page, paths: list[str], name: str, backend: str) -> list[str]:
    wide = []
    for index, path in enumerate(paths):
        page.goto(path)
        found = overflow(page)
        if int(str(found["width"])) > PHONE_WIDTH["width"] + SLACK or found["offscreen"]:
            wide.append(f"{path}: {found['width']} px wide, nav links off-screen: {found['offscreen']}")
        screenshot(page, f"phone-{name}-{index}", backend)
    return wide


def test_no_page_needs_horizontal_scrolling_at_phone_width(browser: Browser, live: LiveSite) -> None:
    data = make_desk_data(live.handle)
    with live.handle.context():
        smooth.db.set_value("User", LEA1, "user_type", "Website User")  # a learner of the portal only
        smooth.db.commit()
    context = browser.new_context(base_url=live.url, viewport=PHONE_WIDTH)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "Administrator", "admin")
    wide = walk(page, [*DESK_PAGES, f"/app/lms-certificate-request/{data.r1}"], "desk", live.handle.backend)

    page.goto("/app/lms-certificate-request")
    apply = page.get_by_role("button", name="Apply", exact=True)
    expect(apply).to_be_hidden()  # folded: the records are on the first screen
    assert page.locator("table.list-table").bounding_box()["y"] < PHONE_WIDTH["height"]  # type: ignore[index]
    page.get_by_text("Filters", exact=False).first.click()
    expect(apply).to_be_visible()

    context.clear_cookies()
    log_in(page, LEA1, PASSWORD)
    wide += walk(page, PORTAL_PAGES, "portal", live.handle.backend)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates")).to_be_in_viewport()
    context.close()
    assert not wide, "\n".join(wide)

