"""An administrator's day in the desk: an "Excused" state and transition added to the request
workflow, an email template edited (a broken one refused, then previewed), an evaluator's
schedule changed."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.journeys.conftest import Journey

SHIPPED_STATES, SHIPPED_TRANSITIONS = 4, 13


def _saved(j: Journey) -> None:
    j.page.get_by_role("button", name="Save").first.click()
    expect(j.page.get_by_role("status")).to_contain_text("Saved")


def test_admin_day(journey_for: Callable[..., Journey]) -> None:
    j = journey_for("admin")
    page = j.page
    j.log_in("Administrator", "admin")
    j.step("home")

    # The state and the action are named in the workflow before they exist: each refusal offers to create one.
    j.go("/app/workflow/LMS%20Certificate%20Request")
    page.get_by_role("button", name="Add row to Document States").click()
    state = page.locator("table[data-grid='states'] tbody tr[data-row]").nth(SHIPPED_STATES)
    state.get_by_label("State (Document States row)", exact=True).fill("Excused")
    state.get_by_label("Only Allow Edit For (Document States row)", exact=True).fill("Moderator")
    page.get_by_role("button", name="Add row to Transition Rules").click()
    rule = page.locator("table[data-grid='transitions'] tbody tr[data-row]").nth(SHIPPED_TRANSITIONS)
    rule.get_by_label("State (Transition Rules row)", exact=True).fill("Pending")
    rule.get_by_label("Action (Transition Rules row)", exact=True).fill("Mark Excused")
    rule.get_by_label("Next State (Transition Rules row)", exact=True).fill("Excused")
    rule.get_by_label("Allowed (Transition Rules row)", exact=True).fill("Batch Evaluator")
    rule.get_by_label("Condition (Transition Rules row)", exact=True).fill("doc.evaluator == user")
    for missing in ("Workflow State “Excused”", "Workflow Action Master “Mark Excused”"):
        page.get_by_role("button", name="Save").first.click()
        offer = page.get_by_role("link", name=f"Create {missing}")
        expect(offer).to_be_visible()
        j.step("workflow-refused")
        with page.context.expect_page() as opened:
            offer.click()
        created = opened.value
        created.wait_for_load_state()
        if "Workflow State" in missing:
            created.get_by_label("Style").select_option("Inverse")
        created.get_by_role("button", name="Save").first.click()
        expect(created.get_by_role("status")).to_contain_text("Saved")
        created.close()
    _saved(j)
    rule = page.locator("table[data-grid='transitions'] tbody tr[data-row]").nth(SHIPPED_TRANSITIONS)
    expect(rule.get_by_label("Action (Transition Rules row)", exact=True)).to_have_value("Mark Excused")
    j.step("workflow")

    j.go("/app/email-template/Evaluation%20Booked")
    subject = page.get_by_label("Subject", exact=True)
    shipped = subject.input_value()
    subject.fill("Booked: {{ doc.course_title ")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("alert")).to_contain_text("Subject")
    j.step("template-refused")
    page.get_by_label("Subject", exact=True).fill(shipped + " (confirmed)")
    _saved(j)
    j.step("template-saved")

    j.go("/app/course-evaluator/ava.evaluator%40example.com")
    j.step("evaluator-schedule")
    j.crawl()
