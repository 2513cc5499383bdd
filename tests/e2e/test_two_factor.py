"""Two-factor login and the Access Log in the browser: enrol with the QR page's key and log in with a
code (computed here with pyotp from the key the page shows); HR opens an Employee and finds it in the
Access Log. Screenshots at desk and phone width."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import Page, expect

import smooth
from tests.api.auth_fixtures import two_factor_role
from tests.conftest import make_user
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot

STAFF, PASSWORD = "staff@example.com", "staff-pw-1"
ROLE = "Two Factor Staff"


@pytest.fixture
def two_factor_on(live: LiveSite) -> Iterator[LiveSite]:
    with two_factor_role(live.handle, ROLE):
        with live.handle.context():
            make_user(STAFF, "Moderator", ROLE, password=PASSWORD)
            smooth.db.commit()
        yield live


def test_enrol_in_two_factor_and_log_in_with_a_code(page: Page, two_factor_on: LiveSite) -> None:
    backend = two_factor_on.handle.backend
    log_in(page, STAFF, PASSWORD)
    expect(page.get_by_role("heading", name="Set up two-factor login")).to_be_visible()
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    secret = page.locator("#totp-secret").get_attribute("data-secret") or ""
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert_accessible(page)
    screenshot(page, "two-factor-enrol", backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "two-factor-enrol-phone", backend)
    page.set_viewport_size(DESK_WIDTH)

    page.get_by_label("Code from the app").fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.get_by_role("button", name="Confirm and log in").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not right")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm and log in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    screenshot(page, "two-factor-recovery-codes", backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "two-factor-recovery-codes-phone", backend)
    page.set_viewport_size(DESK_WIDTH)
    page.get_by_role("link", name="I have saved them, continue").click()
    expect(page).to_have_url(re.compile(r"/app$"))

    page.context.clear_cookies()
    log_in(page, STAFF, PASSWORD)
    expect(page.get_by_role("heading", name="Verification code")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "two-factor-code", backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "two-factor-code-phone", backend)
    page.set_viewport_size(DESK_WIDTH)
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))  # the next step: not the one spent
    page.get_by_label("Trust this browser for 30 days").check()
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/app$"))
    assert any(c["name"] == "tfa_device" for c in page.context.cookies())

    page.locator("details.user-menu summary").click()
    page.get_by_role("menuitem", name="Two-factor login").click()
    expect(page.get_by_text("Recovery codes left: 10.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "two-factor-settings", backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "two-factor-settings-phone", backend)


def test_hr_opens_an_employee_and_the_access_log_shows_it(page: Page, live: LiveSite) -> None:
    backend = live.handle.backend
    with live.handle.context():
        make_user("hrm@example.com", "HR Manager", password="hr-pw-1")
        employee = smooth.get_doc({"doctype": "Employee", "first_name": "Wes", "last_name": "Worker",
                                   "date_of_joining": smooth.today()}).insert().name
        smooth.db.commit()
    log_in(page, "hrm@example.com", "hr-pw-1", then=f"/app/employee/{employee}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wes Worker")
    page.goto("/app/access-log")
    row = page.locator("table tbody tr").filter(has_text=employee)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Open")
    expect(row).to_contain_text("Employee")
    assert_accessible(page)
    screenshot(page, "access-log", backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "access-log-phone", backend)
