"""A learner enrolled in a program through their cohort takes its courses in order on /lms and downloads the
program certificate. On both databases (issue 23's "Done when"): the lock and the certificate are read back
from enrollments, progress rows and certificates the way each backend stores them."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import Browser, Page, expect

import smooth
from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.e2e.portal import PASSWORD, learner
from tests.lms.conftest import make_course
from tests.lms.content import add_lessons

pytestmark = pytest.mark.both_backends

LEARNER = "pia.program@example.com"


def _complete_course(page: Page, course_title: str) -> None:
    """From the program page: open the course, resume it and mark each lesson complete."""
    page.get_by_role("link", name=course_title, exact=True).click()
    page.get_by_role("link", name=re.compile(r"^(Start|Resume|Continue)")).first.click()
    while True:
        page.get_by_role("button", name="Mark complete").click()
        page.wait_for_load_state()
        if page.get_by_role("button", name="Mark complete").count() == 0:
            break


def test_a_cohort_learner_takes_the_program_in_order_and_downloads_its_certificate(
        page: Page, browser: Browser, live: LiveSite) -> None:
    with live.handle.context():
        learner(LEARNER, zone="Europe/Berlin")
        smooth.db.set_value("User", LEARNER, {"first_name": "Pia", "last_name": "Program", "full_name": "Pia Program"})
        first = make_course("Racking Basics", evaluation_required=0)
        second = make_course("Safe Loading", evaluation_required=0)
        add_lessons(first, {"Racks": ["Reading the load sign", "Reporting damage"]})
        locked_lesson = add_lessons(second, {"Loads": ["Balancing a pallet"]})[0]
        cohort = smooth.get_doc({"doctype": "LMS Batch", "title": "Spring Cohort", "courses": [{"course": first}],
                                 "members": [{"member": LEARNER}]}).insert().name
        smooth.get_doc({"doctype": "LMS Program", "title": "Warehouse Starter", "published": 1,
                        "description": "Two short courses, in order.", "enforce_course_order": 1,
                        "program_courses": [{"course": first}, {"course": second}],
                        "cohorts": [{"batch": cohort}]}).insert()
        smooth.db.commit()

    log_in(page, LEARNER, PASSWORD, then="/lms/programs")
    page.get_by_role("link", name="Warehouse Starter").click()
    expect(page.get_by_role("heading", name="Warehouse Starter", level=1)).to_be_visible()
    expect(page.locator("#program-count")).to_have_text("0 of 2 courses complete")
    expect(page.locator("#course-2 .indicator")).to_have_text("Locked")
    expect(page.locator("#course-2 .lock-reason")).to_contain_text("Complete Racking Basics first")
    expect(page.locator("#course-2").get_by_role("link")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "program-locked", live.handle.backend)

    page.goto(f"/lms/courses/{second}")
    expect(page.locator("#program-lock")).to_contain_text("Complete Racking Basics first")
    expect(page.get_by_role("link", name=re.compile(r"^Start"))).to_have_count(0)
    page.goto(f"/lms/courses/{second}/learn/{locked_lesson}")  # the locked course's lesson, by its URL
    expect(page.get_by_text("Complete Racking Basics first")).to_be_visible()
    expect(page.get_by_role("button", name="Mark complete")).to_have_count(0)
    screenshot(page, "program-locked-lesson", live.handle.backend)

    page.goto("/lms/programs/warehouse-starter")
    _complete_course(page, "Racking Basics")
    page.goto("/lms/programs/warehouse-starter")
    expect(page.locator("#program-count")).to_have_text("1 of 2 courses complete")
    expect(page.locator("#course-1 .indicator")).to_have_text("Complete")
    expect(page.locator("#course-2 .indicator")).to_have_text("Not started")
    expect(page.locator("#course-2 .lock-reason")).to_have_count(0)
    _complete_course(page, "Safe Loading")

    phone = browser.new_context(base_url=live.url, viewport=PHONE_WIDTH, accept_downloads=True)
    try:
        mine = phone.new_page()
        log_in(mine, LEARNER, PASSWORD, then="/lms/programs")
        expect(mine.locator(".program-card .program-count")).to_have_text("2 of 2 courses complete")
        screenshot(mine, "programs-list-phone", live.handle.backend)
        mine.get_by_role("link", name="Warehouse Starter").click()
        expect(mine.locator("#program-count")).to_have_text("2 of 2 courses complete")
        expect(mine.locator("#program-certificate")).to_contain_text("Program certificate SMC-")
        number = mine.locator("#program-certificate .cert-number").inner_text()
        assert_accessible(mine)
        screenshot(mine, "program-complete-phone", live.handle.backend)
        with mine.expect_download() as info:
            mine.get_by_role("link", name=re.compile("Download program certificate")).click()
        path = info.value.path()
        assert path is not None
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "PROGRAM CERTIFICATE" in text and "Pia Program" in text and "Warehouse Starter" in text
        assert number in text
        mine.get_by_role("link", name="Verification page").click()
        expect(mine.get_by_role("heading", name=re.compile("This certificate is valid"))).to_be_visible()
        expect(mine.locator("dl.facts")).to_contain_text("Program")
        expect(mine.locator("dl.facts")).to_contain_text("Warehouse Starter")
    finally:
        phone.close()
