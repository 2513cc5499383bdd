"""A line manager's day in the desk: their team's people and compliance, nobody else's."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.journeys.conftest import Journey

TEAM = ("Lena Learner", "Omar Learner", "Tom Learner")


def test_manager_day(journey_for: Callable[..., Journey]) -> None:
    j = journey_for("manager")
    page = j.page
    j.log_in("maya.manager@example.com", then="/app/employee")
    table = page.locator("table.list-table")
    for person in TEAM:
        expect(table).to_contain_text(person)
    expect(table).not_to_contain_text("Sara")
    j.step("team")

    j.go("/app/employee-compliance")
    expect(page.locator("table.list-table")).to_contain_text("Omar Learner")
    expect(page.locator("table.list-table")).not_to_contain_text("Sara")
    j.step("team-compliance")
    page.locator("table.list-table").get_by_role("link", name="Omar Learner").first.click()
    expect(page.get_by_text("Forklift Safety Certification").first).to_be_visible()
    j.step("a-compliance-row")
    j.crawl()
