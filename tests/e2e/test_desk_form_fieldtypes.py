"""Every field type of the test app's Test Note in a real browser: tabs by keyboard, the grid, axe.

Served by the API tests' server (its site has the test app); the browser sends the test-user
header instead of logging in.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

import smooth
from tests.api.conftest import api, api_server  # noqa: F401  (the test-app site, one per backend)
from tests.api.helpers import USER_HEADER, Api
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, assert_accessible, screenshot


@pytest.fixture
def admin_page(browser: Browser, api: Api) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(base_url=api.base_url, viewport=DESK_WIDTH,
                                  extra_http_headers={USER_HEADER: "Administrator"})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_tabs_work_by_keyboard_and_every_widget_is_accessible(admin_page: Page, api: Api) -> None:  # noqa: F811
    page = admin_page
    page.goto("/app/test-note/new")
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(2)
    first, second = tabs.nth(0), tabs.nth(1)
    expect(first).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Summary")).to_be_hidden()  # on the second tab
    assert_accessible(page)
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(second).to_be_focused()
    expect(second).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Summary")).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_be_hidden()
    page.get_by_role("button", name="Add row to Tags").click()
    expect(page.get_by_label("Tag (Tags row)")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "form-every-fieldtype", api.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot(page, "form-every-fieldtype-phone", api.handle.backend)
    page.keyboard.press("Home")  # focus is no longer on the tabs: nothing changes
    second.focus()
    page.keyboard.press("Home")
    expect(first).to_have_attribute("aria-selected", "true")


def test_rich_text_is_edited_with_a_toolbar_and_stored_sanitised(admin_page: Page, api: Api) -> None:  # noqa: F811
    page = admin_page
    page.goto("/app/test-note/new")
    page.get_by_label("Title", exact=True).fill("Rich note")
    page.get_by_role("tab", name="Tb1").click()
    editor = page.get_by_role("textbox", name="Rich")
    editor.click()
    page.get_by_role("toolbar", name="Rich formatting").get_by_role("button", name="Bold").click()
    page.keyboard.type("Strong")
    expect(editor.locator("b")).to_have_text("Strong")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status")).to_have_text("Saved")
    name = page.url.split("/")[-1].split("?")[0]
    with api.handle.context():
        assert "<b>Strong</b>" in smooth.db.get_value("Test Note", name, "rich")
    page.get_by_role("tab", name="Tb1").click()
    expect(page.get_by_role("textbox", name="Rich").locator("b")).to_have_text("Strong")
    assert_accessible(page)
