"""The desk list and report views in a real browser. SQLite only: the browser's part does not
depend on the database; the queries behind the pages run on both in tests/pages/test_listview.py and test_report.py."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Page, expect

import smooth
from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.pages.desk_data import EVA1, EVA2, LEA1, MODERATOR, PASSWORD, DeskData, make_desk_data

LIST = "/app/lms-certificate-request"


def rows(page: Page) -> list[str]:
    return page.locator("table.list-table tbody input[data-row-select]").evaluate_all(
        "boxes => boxes.map(b => b.name.slice('select:'.length))")


def test_an_evaluator_filters_to_their_pending_requests_and_the_url_keeps_the_view(page: Page, live: LiveSite) -> None:
    data = make_desk_data(live.handle)
    log_in(page, EVA1, PASSWORD, then=LIST)
    expect(page.get_by_role("heading", level=1)).to_have_text("LMS Certificate Request")
    assert sorted(rows(page)) == sorted([data.r1, data.r2])
    assert data.r3 not in page.content()  # another evaluator's request never appears

    page.get_by_role("link", name="Assigned to me").click()
    expect(page).to_have_url(re.compile(r"assigned_to_me=1"))
    page.get_by_label("Status", exact=True).select_option("Pending")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page).to_have_url(re.compile(r"status=Pending"))
    expect(page.locator(".paging-count")).to_have_text("1–1 of 1")
    assert rows(page) == [data.r1]
    expect(page.locator("table.list-table .indicator.orange")).to_have_text("Pending")
    filtered_url = page.url

    page.reload()
    assert page.url == filtered_url
    assert rows(page) == [data.r1]
    expect(page.get_by_label("Status", exact=True)).to_have_value("Pending")
    expect(page.get_by_role("link", name="Assigned to me")).to_have_attribute("aria-current", "true")
    assert_accessible(page)
    screenshot(page, "desk-list", live.handle.backend)

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"status=Pending"))
    expect(page.locator(".paging-count")).to_have_text("1–2 of 2")
    page.go_forward()
    expect(page).to_have_url(filtered_url)
    expect(page.locator(".paging-count")).to_have_text("1–1 of 1")

    fresh = page.context.new_page()  # the URL alone is the view: shareable
    fresh.goto(filtered_url)
    assert rows(fresh) == [data.r1]

    page.set_viewport_size(PHONE_WIDTH)
    page.reload()
    expect(page.get_by_role("button", name="Apply", exact=True)).to_be_hidden()  # folded under "Filters (n)"
    page.locator(".filter-panel > summary").click()
    expect(page.get_by_role("button", name="Apply", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot(page, "desk-list-phone", live.handle.backend)


def test_learners_and_other_evaluators_see_only_their_own(page: Page, live: LiveSite) -> None:
    data = make_desk_data(live.handle)
    log_in(page, EVA2, PASSWORD, then=LIST)
    assert rows(page) == [data.r3]
    page.context.clear_cookies()
    log_in(page, LEA1, PASSWORD, then=LIST)
    assert rows(page) == [data.r1]
    response = page.goto(LIST + "/view/report")
    assert response is not None and response.status == 403


def test_a_moderator_sets_the_status_of_selected_requests(page: Page, live: LiveSite) -> None:
    data: DeskData = make_desk_data(live.handle)
    log_in(page, MODERATOR, PASSWORD, then=LIST)
    page.get_by_role("checkbox", name=re.compile(re.escape(data.r1))).check()
    page.get_by_role("checkbox", name=re.compile(re.escape(data.r3))).check()
    page.get_by_label("Set", exact=True).select_option(label="Status: Cancelled")  # Completed waits for the slot
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_role("status").first).to_contain_text("Status set to Cancelled on 2 records.")
    with live.handle.context():
        statuses = dict(smooth.db.get_all("LMS Certificate Request", fields=["name", "status"], as_list=True))
    assert statuses == {data.r1: "Cancelled", data.r2: "Completed", data.r3: "Cancelled"}
    expect(page.locator("table.list-table .indicator.red")).to_have_count(2)
    assert_accessible(page)

    page.get_by_label("Select all on this page").check()  # desk-list.js: every row on the page
    assert page.locator("input[data-row-select]:checked").count() == 3
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete selected").click()
    expect(page.get_by_role("status").first).to_contain_text("Deleted 3 records.")
    assert rows(page) == []


def test_the_report_view_exports_what_it_shows_as_csv(page: Page, live: LiveSite) -> None:
    data = make_desk_data(live.handle)
    log_in(page, MODERATOR, PASSWORD, then=LIST)
    page.get_by_role("link", name="Report view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LMS Certificate Request Report")
    page.get_by_text("Choose columns").click()
    for label in ("Course", "Start", "Member Name"):
        page.get_by_role("checkbox", name=label, exact=True).uncheck()
    page.get_by_role("checkbox", name="Evaluator", exact=True).check()
    page.get_by_role("button", name="Show these columns").click()
    expect(page).to_have_url(re.compile(r"fields=name%2Cstatus%2Cevaluator"))
    page.get_by_role("combobox", name="Status", exact=True).select_option("Pending")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.locator(".paging-count")).to_have_text("1–2 of 2")
    assert_accessible(page)
    screenshot(page, "desk-report", live.handle.backend)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert list(csv.reader(io.StringIO(content))) == [
        ["ID", "Status", "Evaluator"], [data.r1, "Pending", EVA1], [data.r3, "Pending", EVA2]]

    page.get_by_label("Group by", exact=True).select_option(label="Status")
    page.get_by_role("button", name="Group").click()
    expect(page.locator("table.report-table tbody tr")).to_have_count(1)
    expect(page.locator("table.report-table tbody")).to_contain_text("Pending")
