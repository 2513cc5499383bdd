"""In the browser, a Frappe-style form's Section / Column / Tab Breaks follow their `depends_on` as
values change (Test Frappe Form of the test app, served by the API tests' server, SQLite)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

import smooth
from tests.api.conftest import api, api_server  # noqa: F401  (the served test-app site)
from tests.api.helpers import USER_HEADER, Api
from tests.e2e.conftest import DESK_WIDTH

pytestmark = pytest.mark.parametrize("api_server", ["sqlite"], indirect=True)


@pytest.fixture
def desk(browser: Browser, api: Api) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(base_url=api.base_url, viewport=DESK_WIDTH,
                                  extra_http_headers={USER_HEADER: "Administrator"})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_breaks_show_and_hide_what_they_open_as_the_status_changes(desk: Page, api: Api) -> None:  # noqa: F811
    with api.handle.context():
        smooth.get_doc({"doctype": "Test Category", "category_name": "Cat", "description": "d"}).insert()
        name = smooth.get_doc({"doctype": "Test Frappe Form", "title": "T", "category": "Cat"}).insert().name
        smooth.db.commit()
    desk.goto(f"/app/test-frappe-form/{name}")
    closing = desk.get_by_role("region", name="Closing")
    scores = desk.get_by_role("tab", name="Scores")
    expect(closing).to_be_hidden()
    desk.get_by_label("Status").select_option("Closed")  # eval:doc.status=='Closed';
    expect(closing).to_be_visible()
    expect(desk.get_by_label("Review Note")).to_be_visible()  # its column: eval:!doc.__islocal
    desk.get_by_label("Status").select_option("Lost")  # the tab: eval:doc.status!='Lost'
    expect(scores).to_be_hidden()
    expect(closing).to_be_hidden()
    expect(desk.get_by_role("tab", name="Details")).to_have_attribute("aria-selected", "true")


def test_choosing_a_link_fetches_its_values_but_keeps_a_typed_fetch_if_empty_value(desk: Page, api: Api) -> None:  # noqa: F811
    with api.handle.context():
        smooth.get_doc({"doctype": "Test Category", "category_name": "Cat", "description": "Fetched"}).insert()
        smooth.db.commit()
    desk.goto("/app/test-frappe-form/new")
    desk.get_by_label("Summary").fill("Typed")
    category = desk.get_by_label("Category", exact=True)
    category.fill("Cat")
    category.press("Tab")
    expect(desk.locator("[data-ro='category_description']")).to_have_text("Fetched")
    expect(desk.get_by_label("Summary")).to_have_value("Typed")
