"""A learner hands in an assignment on /lms; the evaluator finds it under "Assignments to grade" in the desk,
marks it with the rubric and the learner reads the grade on their phone."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

import smooth
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.lms.conftest import make_course, make_evaluator, make_learner

EVA, LEARNER, PASSWORD = "eva@example.com", "lena@example.com", "secret-pw"


def test_hand_in_and_grade_with_a_rubric(page: Page, browser: Browser, live: LiveSite) -> None:
    with live.handle.context():
        course = make_course("Site Reports")
        make_evaluator(EVA, [course])
        make_learner(LEARNER, course)
        rubric = smooth.get_doc({"doctype": "Evaluation Rubric", "title": "Report Rubric", "pass_mark": 6,
                                 "criteria": [{"criterion": "Clarity", "levels": "4: Clear\n2: Mostly clear"},
                                              {"criterion": "Evidence", "max_points": 6}]}).insert().name
        smooth.get_doc({"doctype": "LMS Assignment", "title": "Depot Visit Report", "course": course,
                        "instructions": "Describe **one** depot visit: what you checked and what you found.",
                        "grading": "Rubric", "rubric": rubric, "mandatory_for_certification": 1}).insert()
        smooth.db.commit()

    log_in(page, LEARNER, PASSWORD, then=f"/lms/courses/{course}")
    page.get_by_role("link", name="Depot Visit Report", exact=True).click()
    expect(page.get_by_role("heading", name="Depot Visit Report", level=1)).to_be_visible()
    page.get_by_label("Your answer").fill("Checked the racking and the fire exits; one exit was blocked.")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#submitted")).to_contain_text("Submitted")
    expect(page.locator("#why-not")).to_contain_text("waiting to be graded")
    assert_accessible(page)
    screenshot(page, "assignment-submitted", live.handle.backend)

    desk = browser.new_context(base_url=live.url, viewport=DESK_WIDTH)
    try:
        grader = desk.new_page()
        log_in(grader, EVA, PASSWORD, then="/app")
        grader.get_by_role("link", name=re.compile(r"^Assignments to grade")).click()
        grader.locator("table.list-table tbody tr", has_text="Depot Visit Report").get_by_role("link").first.click()
        expect(grader).to_have_url(re.compile(r"/app/lms-assignment-submission/LMS-AS-"))
        rows = grader.locator("table[data-grid='rubric_marks'] tbody tr[data-row]")
        rows.nth(0).get_by_label("Points (Rubric Marks row)").fill("4")
        rows.nth(0).get_by_label("Comment (Rubric Marks row)").fill("Clear and ordered")
        rows.nth(1).get_by_label("Points (Rubric Marks row)").fill("3")
        grader.get_by_label("Comments").fill("Good catch on the blocked exit; add photos next time.")
        grader.get_by_role("group", name="Actions").get_by_role("button", name="Save").click()
        expect(grader.get_by_role("status")).to_contain_text("Saved")
        expect(grader.get_by_label("Status")).to_have_value("Pass")
        expect(grader.get_by_role("main")).to_contain_text("Computed Outcome Pass")
        screenshot(grader, "assignment-graded-desk", live.handle.backend)
    finally:
        desk.close()

    phone = browser.new_context(base_url=live.url, viewport=PHONE_WIDTH)
    try:
        mine = phone.new_page()
        log_in(mine, LEARNER, PASSWORD, then=f"/lms/courses/{course}/assignment/depot-visit-report")
        expect(mine.locator(".page-head .indicator")).to_have_text("Pass")
        expect(mine.locator("#attempt-1 .score")).to_have_text("7 / 10")
        expect(mine.locator("#marks-1")).to_contain_text("Clear and ordered")
        expect(mine.get_by_text("add photos next time")).to_be_visible()
        expect(mine.locator("#why-not")).to_contain_text("You passed Depot Visit Report")
        assert_accessible(mine)
        screenshot(mine, "assignment-graded-phone", live.handle.backend)
    finally:
        phone.close()
