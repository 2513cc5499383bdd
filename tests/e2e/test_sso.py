"""Single sign-on in the browser: the login page's "Log in with Loopback" button goes through the
loopback OpenID Connect provider (tests/api/oidc_provider.py) and lands logged in: staff in the desk,
a learner the provider signed up in the portal.
SQLite only: the browser's part is the button, the redirects and the cookies, not the database."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

import smooth
from smooth.auth import oidc
from tests.api.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, running_provider
from tests.conftest import SQLITE_ONLY, make_user
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, screenshot

pytestmark = SQLITE_ONLY
STAFF = "staff@example.com"


@pytest.fixture
def provider(live: LiveSite) -> Iterator[OidcProvider]:
    with running_provider() as running:
        running.reset(email=STAFF, given_name="Sam")
        oidc.forget_fetched()
        with live.handle.context():
            make_user(STAFF, "Moderator")
            smooth.get_doc({"doctype": "Social Login Key", "provider_name": "Loopback", "enable_social_login": 1,
                            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                            "base_url": running.base_url}).insert()
            smooth.db.commit()
        yield running
        with live.handle.context():
            smooth.delete_doc("Social Login Key", "loopback", force=True)
            smooth.db.commit()


def test_log_in_with_the_provider_button(page: Page, live: LiveSite, provider: OidcProvider) -> None:
    backend = live.handle.backend
    page.goto("/login")
    button = page.get_by_role("link", name="Log in with Loopback")
    expect(button).to_be_visible()
    assert_accessible(page)
    screenshot(page, "login-sso", backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "login-sso-phone", backend)
    page.set_viewport_size(DESK_WIDTH)

    button.click()
    expect(page).to_have_url(re.compile(r"/app$"))
    assert any(c["name"] == "sid" for c in page.context.cookies())
    assert provider.token_requests and provider.token_requests[-1]["code_verifier"]

    page.context.clear_cookies()
    provider.user["email_verified"] = False
    page.goto("/login")
    page.get_by_role("link", name="Log in with Loopback").click()
    expect(page.get_by_role("alert")).to_contain_text("Loopback has not verified the email address")
    screenshot(page, "login-sso-refused", backend)

    with live.handle.context():  # a learner new to the site, signed up by the provider, lands in the portal
        key = smooth.get_doc("Social Login Key", "loopback")
        key.sign_ups = "Allow"
        key.append("default_roles", {"role": "LMS Student"})
        key.save()
        smooth.db.commit()
    provider.reset(email="new.learner@example.com", given_name="Nia")
    page.get_by_role("link", name="Log in with Loopback").click()
    expect(page).to_have_url(re.compile(r"/lms$"))
