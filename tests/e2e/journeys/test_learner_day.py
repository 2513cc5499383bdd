"""A learner's day on /lms, in their own time zone (the site is UTC, the evaluator in Berlin):
a self-paced course through its quiz to a certificate anyone can verify, then an evaluation
booked, rescheduled and cancelled."""

from __future__ import annotations

import re
import zoneinfo

from playwright.sync_api import expect

from tests.e2e.journeys.conftest import Journey

# One learner per width, so the two walks of one demo site do not meet.
LEARNER = {"desk": ("omar.learner@example.com", "Asia/Kolkata"),
           "phone": ("sara.learner@example.com", "America/New_York")}
QUIZ_ANSWERS = {"Which of these is personal data?": ["An email address", "An employee ID"],
                "Who handles a deletion request?": ["The privacy team"]}


def _course_link(j: Journey, title: str) -> None:
    j.go("/lms/courses")
    j.page.get_by_role("link", name=title).first.click()
    j.page.wait_for_load_state()


def test_learner_day(journey_for, width: str) -> None:  # type: ignore[no-untyped-def]
    email, zone = LEARNER[width]
    j: Journey = journey_for("learner", zone)
    page = j.page
    j.log_in(email, then="/lms")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    j.step("home")

    _course_link(j, "Data Privacy Essentials")
    page.get_by_role("button", name="Enrol in this course").click()
    j.step("enrolled")
    while page.get_by_role("button", name="Mark complete").count():
        page.get_by_role("button", name="Mark complete").click()
        page.wait_for_load_state()
    j.step("lessons-done")

    _course_link(j, "Data Privacy Essentials")
    page.get_by_role("link", name="Privacy Check").click()
    j.step("quiz")
    for legend, answers in QUIZ_ANSWERS.items():
        box = page.locator("fieldset", has_text=legend)
        for answer in answers:
            box.get_by_label(answer).check()
    page.locator("fieldset", has_text="Same day or next week").get_by_label("Your answer").fill("same day")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator("#quiz-outcome")).to_contain_text("Passed")
    earned = page.get_by_role("link", name=re.compile(r"SMC-"))
    expect(page.get_by_text("You earned a certificate")).to_be_visible()
    number = earned.first.inner_text().strip()
    j.step("quiz-passed")

    j.go("/lms/certificates")
    expect(page.get_by_text(number)).to_be_visible()
    j.step("certificates")
    j.go("/verify")
    page.get_by_role("textbox").first.fill(number)
    page.get_by_role("button").filter(has_text=re.compile("Check|Verify|Look up", re.I)).first.click()
    expect(page.get_by_role("heading", name=re.compile("This certificate is valid"))).to_be_visible()
    j.step("verified")

    j.crawl()
    assert zoneinfo.ZoneInfo(zone)
