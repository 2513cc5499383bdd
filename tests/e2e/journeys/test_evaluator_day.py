"""An evaluator's day in the desk, in Berlin on a UTC site: today's requests in their zone, the
calendar, the evaluation whose slot has started completed, the outcome recorded, the certificate
issued and printed."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.journeys.conftest import Journey

LIST = "/app/lms-certificate-request"


def test_evaluator_day(journey_for: Callable[..., Journey]) -> None:
    j = journey_for("evaluator", "Europe/Berlin")
    page = j.page
    j.log_in("ava.evaluator@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning")
    j.step("workspace")

    page.get_by_role("link", name=re.compile(r"^Pending requests assigned to me")).click()
    expect(page.get_by_role("columnheader", name="Start (Europe/Berlin)")).to_be_visible()
    rows = page.locator("table.list-table tbody tr")
    expect(rows.filter(has_text="Omar Learner")).not_to_have_count(0)
    j.step("my-requests")

    j.go(f"{LIST}/view/calendar")
    expect(page.get_by_text("Times in Europe/Berlin")).to_be_visible()
    j.step("calendar")

    j.go(LIST + "?status=Pending")
    page.locator("table.list-table tbody tr", has_text="Forklift Operation").filter(
        has_text="Omar Learner").get_by_role("link").first.click()
    expect(page.get_by_text("(Europe/Berlin)").first).to_be_visible()
    j.step("started-request")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Complete", exact=True).click()
    expect(page.locator(".form-head .indicator", has_text="Completed")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Completed")
    request_url = page.url.split("?")[0]
    j.step("completed")

    page.get_by_role("button", name="Record Evaluation").click()
    expect(page).to_have_url(re.compile(r"/app/lms-certificate-evaluation/"))
    page.get_by_label("Outcome").select_option("Pass")
    page.get_by_label("Summary").fill("Safe, smooth stacking; checked the load plate unprompted.")
    page.get_by_role("group", name="Actions").get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    j.step("outcome")

    page.goto(request_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Issue Certificate").click()
    certificate = page.get_by_role("link", name=re.compile(r"SMC-")).first
    expect(certificate).to_be_visible()
    expect(page.get_by_role("button", name="Issue Certificate")).to_have_count(0)
    j.step("issued")
    certificate.click()
    expect(page).to_have_url(re.compile(r"/app/lms-certificate/SMC-"))
    page.locator("summary", has_text="Print").click()
    expect(page.get_by_role("menuitem", name="Download PDF")).to_be_visible()
    j.step("print-menu")
    j.go(page.get_by_role("menuitem", name="Print").get_attribute("href") or "")
    expect(page.get_by_text("Omar Learner").first).to_be_visible()
    j.step("print-view")
    j.crawl()
