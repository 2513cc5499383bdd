"""A learner asks for their data from the account menu on the portal and downloads it: the zip holds their
certificate and their records, and the page says what is happening at each step."""

from __future__ import annotations

import io
import json
import re
import zipfile

from playwright.sync_api import Page, expect

import smooth
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, screenshot
from tests.e2e.portal import learner, log_in_learner
from tests.lms.conftest import make_course
from tests.lms.test_quizzes import ALL_RIGHT, make_quiz, submit

LEARNER = "dana.data@example.com"


def test_a_learner_requests_and_downloads_their_data(page: Page, live: LiveSite) -> None:
    with live.handle.context():
        learner(LEARNER)
        course = make_course("Data Basics", evaluation_required=0)
        quiz = make_quiz(course, mandatory_for_certification=1)
        smooth.get_doc({"doctype": "LMS Enrollment", "member": LEARNER, "course": course, "progress": 100}).insert()
        submit(LEARNER, quiz, ALL_RIGHT)
        number = smooth.db.get_value("LMS Certificate", {"member": LEARNER}, "certificate_number")
        smooth.db.commit()

    log_in_learner(page, LEARNER)
    page.goto("/lms")
    page.locator("summary[aria-label^='Account menu']").click()
    page.get_by_role("menuitem", name="My data").click()
    expect(page).to_have_url(re.compile(r"/lms/my-data$"))  # in the learner portal's chrome
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("My data")
    page.get_by_role("button", name="Request a copy of my data").click()
    expect(page.get_by_role("status")).to_contain_text("we will mail you when your data is ready")
    download_link = page.get_by_role("link", name=re.compile(r"^Download"))
    for _ in range(50):  # the job runs after the response; the page shows its state when reloaded
        if download_link.count():
            break
        page.wait_for_timeout(200)
        page.reload()
    expect(download_link).to_have_count(1)
    expect(page.get_by_role("table", name="Your download requests")).to_contain_text("Ready")
    assert_accessible(page)
    screenshot(page, "personal-data-desk", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "personal-data-phone", live.handle.backend)
    page.set_viewport_size(DESK_WIDTH)

    with page.expect_download() as started:
        download_link.click()
    archive = zipfile.ZipFile(io.BytesIO(open(started.value.path(), "rb").read()))
    data = json.loads(archive.read("data.json"))
    assert data["user"] == LEARNER
    assert [c["certificate_number"] for c in data["records"]["LMS Certificate"]] == [number]
    assert any(n.startswith("pdf/LMS_Certificate-") for n in archive.namelist())
