"""A learner's day on /lms, in their own time zone (the site is UTC, the evaluator in Berlin):
a self-paced course through its quiz to a certificate anyone can verify, then an evaluation
booked, rescheduled and cancelled."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.journeys.conftest import Journey

# Each width walks its own demo site; two learners, so both the booking and each reason not to book show.
# (learner, their zone, the course they book, the course they may not book and why)
# Omar's forklift evaluation is pending, or certified once the evaluator's day has run on the same site.
LEARNER = {"desk": ("omar.learner@example.com", "Asia/Kolkata", "Workplace Safety", "Forklift Operation",
                    "You have a pending evaluation|You hold a valid certificate"),
           "phone": ("nina.learner@example.com", "Europe/London", "Forklift Operation", "Workplace Safety",
                     "You hold a valid certificate")}
QUIZ_ANSWERS = {"Which of these is personal data?": ["An email address", "An employee ID"],
                "Who handles a deletion request?": ["The privacy team"]}


def _course_link(j: Journey, title: str) -> None:
    j.go("/lms/courses")
    j.page.get_by_role("link", name=title).first.click()
    j.page.wait_for_load_state()


def _certification(j: Journey, title: str) -> None:
    _course_link(j, title)
    j.page.get_by_role("link", name="Certification").first.click()
    j.page.wait_for_load_state()


def test_learner_day(journey_for: Callable[..., Journey], width: str) -> None:
    email, zone, book, blocked, why = LEARNER[width]
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
    page.get_by_role("link", name="Privacy Check", exact=True).click()
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

    _certification(j, blocked)
    j.step("not-bookable")
    expect(page.get_by_text(re.compile(why)).first).to_be_visible()
    expect(page.get_by_role("button", name="Book this slot")).to_have_count(0)

    _certification(j, book)
    expect(page.get_by_label("Your time zone")).to_have_value(zone)
    slot = page.locator("#slot-form input[name=slot]").first
    slot_value = str(slot.get_attribute("value"))
    start = dt.datetime.fromisoformat(slot_value.removesuffix("Z")).replace(tzinfo=dt.UTC)
    local = start.astimezone(zoneinfo.ZoneInfo(zone))
    expect(page.locator("#slot-form label").first).to_contain_text(f"{local:%H:%M}")
    j.step("slot-picker")
    slot.check()
    page.get_by_role("button", name="Book this slot").click()
    expect(page.locator("#notice")).to_contain_text("Evaluation booked")
    expect(page.locator("#local-time")).to_have_text(re.compile(rf"^{local:%H:%M}–"))
    expect(page.locator("#local-zone")).to_contain_text(zone)
    expect(page.locator("#evaluator")).to_have_text("Ava Evaluator")
    j.step("booked")

    page.get_by_role("link", name="Reschedule").first.click()
    # any free slot but the booked one (late in the day, the first date may offer only one more)
    moved = page.locator(f"#slot-form input[name=slot]:not([value='{slot_value}'])").first
    moved_start = dt.datetime.fromisoformat(str(moved.get_attribute("value")).removesuffix("Z")).replace(tzinfo=dt.UTC)
    moved.check()
    page.get_by_role("button", name="Move my evaluation here").click()
    moved_local = moved_start.astimezone(zoneinfo.ZoneInfo(zone))
    expect(page.locator("#local-time")).to_have_text(re.compile(rf"^{moved_local:%H:%M}–"))
    j.step("rescheduled")

    page.get_by_role("button", name="Cancel evaluation").click()
    expect(page.get_by_role("heading", name="Cancel this evaluation?")).to_be_visible()
    j.step("cancel-asked")
    page.get_by_role("button", name="Yes, cancel the evaluation").click()
    expect(page.locator("#notice")).to_have_text("Evaluation cancelled")
    expect(page.get_by_role("link", name="Remove from calendar (.ics)")).to_be_visible()
    expect(page.get_by_role("link", name="Add to calendar (.ics)")).to_have_count(0)
    j.step("cancelled")

    j.go("/lms/evaluations")
    expect(page.get_by_role("heading", name=re.compile("Cancelled"))).to_be_visible()
    j.step("evaluations")
    j.crawl()
