"""Logging in and out through the pages, as a person would."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

import smooth
from tests.conftest import make_user
from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot


def _users(live: LiveSite) -> None:
    with live.handle.context():
        make_user("staff@example.com", "Moderator", password="staff-pw-1")
        make_user("learner@example.com", "LMS Student", password="learn-pw-1")
        smooth.db.set_value("User", "learner@example.com", "user_type", "Website User")
        smooth.db.commit()


def test_a_wrong_password_is_said_on_the_page_and_the_name_is_kept(page: Page, live: LiveSite) -> None:
    _users(live)
    log_in(page, "staff@example.com", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("Invalid login credentials")
    expect(page.get_by_label("Email or user name")).to_have_value("staff@example.com")
    assert_accessible(page)
    screenshot(page, "login-error", live.handle.backend)


def test_login_returns_to_the_page_asked_for_and_logout_ends_the_session(page: Page, live: LiveSite) -> None:
    _users(live)
    page.goto("/app")
    expect(page).to_have_url(re.compile(r"/login\?redirect-to=/app$"))
    page.get_by_label("Email or user name").fill("staff@example.com")
    page.get_by_label("Password").fill("staff-pw-1")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/app$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.locator("details.user-menu summary").click()
    page.get_by_role("menuitem", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/app")
    expect(page).to_have_url(re.compile(r"/login"))


def test_redirect_to_is_honoured_only_for_local_paths(page: Page, live: LiveSite) -> None:
    _users(live)
    log_in(page, "staff@example.com", "staff-pw-1", then="https://evil.example/")
    expect(page).to_have_url(re.compile(r"/app$"))


def test_a_portal_user_who_opens_the_desk_is_sent_to_the_portal(page: Page, live: LiveSite) -> None:
    _users(live)
    log_in(page, "learner@example.com", "learn-pw-1")
    response = page.goto("/app")
    assert response is not None
    assert page.url.endswith("/lms")


def test_the_login_page_works_at_phone_width(page: Page, live: LiveSite) -> None:
    page.set_viewport_size(PHONE_WIDTH)
    page.goto("/login")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot(page, "login-phone", live.handle.backend)
