"""HR in the browser: the app switcher to the HR workspace, the compliance dashboard, a count to its records."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.hr.team_data import BOSS, HR, PASSWORD, make_team


def test_hr_user_opens_the_dashboard_and_a_count_opens_its_records(page: Page, live: LiveSite) -> None:
    make_team(live.handle, with_quiz=False)
    log_in(page, HR, PASSWORD, then="/app/learning")
    switcher = page.get_by_role("navigation", name="Main")
    expect(switcher.get_by_role("link", name="Learning")).to_have_attribute("aria-current", "page")
    switcher.get_by_role("link", name="HR", exact=True).focus()
    page.keyboard.press("Enter")  # the switcher works by keyboard
    expect(page).to_have_url(re.compile(r"/app/hr$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("HR")
    expect(switcher.get_by_role("link", name="HR", exact=True)).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    screenshot(page, "hr-workspace", live.handle.backend)

    page.get_by_role("link", name="Compliance Dashboard").first.click()
    expect(page).to_have_url(re.compile(r"/app/compliance-dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Compliance Dashboard")
    expect(switcher.get_by_role("link", name="HR", exact=True)).to_have_attribute("aria-current", "true")
    expiring = page.get_by_role("link", name=re.compile(r"^2\s+Expiring$"))
    expect(expiring).to_be_visible()
    expect(page.get_by_role("img", name="Compliance by department and status")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "hr-dashboard", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    assert_accessible(page)
    screenshot(page, "hr-dashboard-phone", live.handle.backend)
    page.set_viewport_size({"width": 1280, "height": 860})

    expiring.click()
    expect(page).to_have_url(re.compile(r"/app/employee-compliance\?status=Expiring$"))
    expect(page.locator(".paging-count")).to_have_text(re.compile(r"of 2$"))
    expect(page.get_by_text("Wes Worker").first).to_be_visible()
    expect(page.get_by_text("Nia Nouser").first).to_be_visible()
    expect(page.get_by_text("Sam Stranger")).to_have_count(0)
    assert_accessible(page)


def test_a_manager_sees_their_teams_counts(page: Page, live: LiveSite) -> None:
    make_team(live.handle, with_quiz=False)
    log_in(page, BOSS, PASSWORD, then="/app/compliance-dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compliance Dashboard")
    expect(page.get_by_text("5 compliance records you may see.", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Audit export")).to_have_count(0)
    page.get_by_role("link", name="Warehouse: 1 Expired").click()
    expect(page.locator(".paging-count")).to_have_text(re.compile(r"of 1$"))
    expect(page.get_by_text("Lee Lead").first).to_be_visible()


def test_the_audit_export_answers_on_the_dashboard(page: Page, live: LiveSite) -> None:
    """Nothing chosen: the dashboard again with the reason (not JSON); Employee suggests names as typed."""
    make_team(live.handle, with_quiz=False)
    log_in(page, HR, PASSWORD, then="/app/compliance-dashboard")
    export = page.get_by_role("region", name="Audit export")
    export.get_by_role("button", name="Download ZIP").click()
    expect(page).to_have_url(re.compile(r"/app/compliance-dashboard\?export=1"))
    expect(page.get_by_role("alert")).to_have_text("Choose an employee or a compliance type to export (one of the two)")
    employee = export.get_by_label("Employee", exact=True)
    employee.fill("Wes")
    expect(page.locator("#export-employee-list option")).to_have_count(1)  # the type-ahead's suggestion
    assert_accessible(page)
    screenshot(page, "hr-export-refused", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "hr-export-refused-phone", live.handle.backend)
    page.set_viewport_size({"width": 1280, "height": 860})
    employee.fill("Wes Worker")  # a name, not the ID: the export finds the employee
    with page.expect_download() as downloaded:
        export.get_by_role("button", name="Download ZIP").click()
    assert re.match(r"audit-HR-EMP-\d+-\d{8}-\d{6}\.zip$", downloaded.value.suggested_filename)
