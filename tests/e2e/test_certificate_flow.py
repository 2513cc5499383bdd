"""An evaluator records a Pass and issues the certificate; the learner downloads the PDF and verifies it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

import smooth
from smooth_lms.certificates import issue_certificate, record_evaluation
from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started

EVA, LEARNER, PASSWORD = "eva@example.com", "lena@example.com", "secret-pw"


def test_pass_issue_download_and_verify(page: Page, browser: Browser, live: LiveSite) -> None:
    with live.handle.context():
        course = make_course("Scaffold Safety", certificate_validity_months=12)
        make_evaluator(EVA, [course])
        make_learner(LEARNER, course)
        smooth.db.set_value("User", LEARNER, {"first_name": "Lena", "full_name": "Lena"})
        request = book(LEARNER, course, next_weekday(0), "09:00").name
        slot_started(request)  # an evaluation happens once its slot has come
        smooth.db.commit()

    log_in(page, EVA, PASSWORD, then=f"/app/lms-certificate-request/{request}")
    page.get_by_role("button", name="Record Evaluation").click()
    expect(page).to_have_url(re.compile(r"/app/lms-certificate-evaluation/"))
    page.get_by_label("Outcome").select_option("Pass")
    page.get_by_label("Summary").fill("Confident and safe")
    page.get_by_role("group", name="Actions").get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    page.get_by_role("button", name="Issue Certificate").click()
    expect(page).to_have_url(re.compile(r"/app/lms-certificate/SMC-"))
    number = page.url.rsplit("/", 1)[1].split("?")[0]
    screenshot(page, "certificate-desk", live.handle.backend)

    learner = browser.new_context(base_url=live.url, viewport=PHONE_WIDTH,
                                  accept_downloads=True)
    try:
        mine = learner.new_page()
        log_in(mine, LEARNER, PASSWORD, then="/lms/certificates")
        expect(mine.get_by_role("heading", name="My certificates")).to_be_visible()
        expect(mine.get_by_text(number)).to_be_visible()
        assert_accessible(mine)
        screenshot(mine, "my-certificates-phone", live.handle.backend)
        with mine.expect_download() as info:
            mine.get_by_role("link", name=re.compile("Download PDF")).click()
        path = info.value.path()
        assert path is not None and open(path, "rb").read(5) == b"%PDF-"
        mine.get_by_role("link", name=re.compile("Verification page")).click()
        expect(mine.get_by_role("heading", name=re.compile("This certificate is valid"))).to_be_visible()
        expect(mine.get_by_text("Scaffold Safety")).to_be_visible()
        assert_accessible(mine)
        screenshot(mine, "verify-phone", live.handle.backend)
    finally:
        learner.close()


def test_learning_statistics_page(page: Page, live: LiveSite) -> None:
    with live.handle.context():
        course = make_course("Ladder Safety")
        make_evaluator(EVA, [course])
        learner = make_learner(LEARNER, course)
        request = book(learner, course, next_weekday(0), "09:00").name
        slot_started(request)  # an evaluation happens once its slot has come
        smooth.set_user(EVA)
        evaluation = smooth.get_doc("LMS Certificate Evaluation", record_evaluation(request)["name"])
        evaluation.status = "Pass"
        evaluation.save()
        smooth.set_user("Administrator")
        issue_certificate(learner, course, evaluation.name)
        smooth.db.commit()
    log_in(page, EVA, PASSWORD, then="/statistics/learning")
    expect(page.get_by_role("heading", name="Learning statistics")).to_be_visible()
    expect(page.get_by_role("img", name="Pass rate by course")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "learning-statistics", live.handle.backend)
