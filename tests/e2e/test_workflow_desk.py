"""An admin adds an "Excused" state and transition to the LMS request workflow in the desk (the
Workflow form's two grids); the assigned evaluator then sees and takes the new action on a
request, with no restart; the learner is not offered it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import smooth
from smooth.fixtures import upsert
from smooth.model.workflow import get_transitions
from tests.conftest import make_user
from tests.e2e.conftest import LiveSite, assert_accessible, log_in, screenshot
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday

ADMIN, PASSWORD = "admin.flow@example.com", "flow-pw-1"
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "workflow.json"


def _grid_row(page: Page, table: str, index: int) -> Any:
    return page.locator(f"table[data-grid='{table}'] tbody tr[data-row]").nth(index)


@pytest.fixture
def shipped_workflow(live: LiveSite) -> Iterator[LiveSite]:
    """Put the shipped workflow back afterwards (the served site is shared by the e2e tests)."""
    yield live
    with live.handle.context():
        for record in json.loads(FIXTURE.read_text()):
            upsert(record, force=True)  # the admin edited it: put the shipped version back
        smooth.delete_doc("Workflow Action Master", "Mark Excused")
        smooth.delete_doc("Workflow State", "Excused")
        smooth.db.commit()


def test_admin_adds_no_show_and_the_evaluator_uses_it(page: Page, shipped_workflow: LiveSite) -> None:
    live = shipped_workflow
    with live.handle.context():
        make_user(ADMIN, "System Manager", password=PASSWORD)
        course = make_course()
        make_evaluator("eva@example.com", [course])
        make_learner("lea@example.com", course)
        name = book("lea@example.com", course, next_weekday(0), "09:00").name
        smooth.db.commit()

    log_in(page, ADMIN, PASSWORD, then="/app/workflow-state/new")
    page.get_by_label("State", exact=True).fill("Excused")
    page.get_by_label("Style").select_option("Inverse")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status")).to_have_text("Saved")
    page.goto("/app/workflow-action-master/new")
    page.get_by_label("Workflow Action Name").fill("Mark Excused")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status")).to_have_text("Saved")

    page.goto("/app/workflow/LMS%20Certificate%20Request")
    page.get_by_role("button", name="Add row to Document States").click()
    shipped = json.loads(FIXTURE.read_text())[0]
    state = _grid_row(page, "states", len(shipped["states"]))
    state.get_by_label("State (Document States row)", exact=True).fill("Excused")
    state.get_by_label("Only Allow Edit For (Document States row)", exact=True).fill("Moderator")
    page.get_by_role("button", name="Add row to Transition Rules").click()
    rule = _grid_row(page, "transitions", len(shipped["transitions"]))
    expect(rule.get_by_label("Allow Self Approval (Transition Rules row)", exact=True)).to_be_checked()  # default
    rule.get_by_label("State (Transition Rules row)", exact=True).fill("Pending")
    rule.get_by_label("Action (Transition Rules row)", exact=True).fill("Mark Excused")
    rule.get_by_label("Next State (Transition Rules row)", exact=True).fill("Excused")
    rule.get_by_label("Allowed (Transition Rules row)", exact=True).fill("Batch Evaluator")
    rule.get_by_label("Condition (Transition Rules row)", exact=True).fill("doc.evaluator == user")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status")).to_have_text("Saved")
    assert_accessible(page)
    screenshot(page, "form-workflow", live.handle.backend)

    page.context.clear_cookies()
    log_in(page, "eva@example.com", "secret-pw", then=f"/app/lms-certificate-request/{name}")
    button = page.get_by_role("button", name="Mark Excused")
    expect(button).to_be_visible()
    expect(page.get_by_role("button", name="Complete")).to_have_count(0)  # the slot has not started
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    expect(page).to_have_url(re.compile(rf"/app/lms-certificate-request/{name}$"))
    expect(page.get_by_role("status")).to_have_text("Mark Excused: Status changed from Pending to Excused")
    expect(page.locator(".form-head .indicator", has_text="Excused")).to_be_visible()
    expect(page.get_by_role("button", name="Mark Excused")).to_have_count(0)
    expect(page.locator(".timeline-list")).to_contain_text("eva took the workflow action Mark Excused")
    expect(page.locator(".timeline-list")).to_contain_text("Status: Pending → Excused")
    assert_accessible(page)
    screenshot(page, "form-request-excused", live.handle.backend)
    with live.handle.context():
        assert smooth.db.get_value("LMS Certificate Request", name, "status") == "Excused"
        other = book("lea@example.com", course, next_weekday(0, at_least_days=10), "09:00")
        smooth.set_user("lea@example.com")
        assert [t.action for t in get_transitions(smooth.get_doc("LMS Certificate Request", other.name))] == [
            "Cancel"]  # the learner is not offered Mark Excused
        smooth.set_user("Administrator")
        smooth.db.commit()
    page.goto("/app/lms-certificate-request?status=Excused")
    expect(page.locator("table.list-table")).to_contain_text(name)
