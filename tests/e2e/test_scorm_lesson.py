"""A learner plays a SCORM 1.2 and a SCORM 2004 lesson in Chromium: each SCO finds its API in the sandboxed
frame, reports completion and score, the course progress follows, and opening the lesson again resumes
where the learner left off. The SCO sees none of the site's cookies and cannot call the site's API as the
learner (the packages are tests/lms/scorm_packages.py)."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Browser, FrameLocator, Page, expect

import smooth
from smooth_lms import learning
from tests.conftest import make_user
from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.lms import scorm_packages as pk

LEARNER, PASSWORD = "sam.scorm@example.com", "scorm-pw-1"


def _played(page: Page, path: str) -> FrameLocator:
    page.goto(path)
    sco = page.frame_locator("#scorm-frame")
    expect(sco.locator("#report")).to_have_attribute("data-done", "yes")
    return sco


def test_scorm_lessons_complete_resume_and_never_see_the_site(page: Page, browser: Browser, live: LiveSite) -> None:
    with live.handle.context():
        course = smooth.get_doc({"doctype": "LMS Course", "title": "Compliance Packages", "published": 1}).insert().name
        old = pk.scorm_lesson(course, pk.package_12(), "Fire safety")
        new = pk.scorm_lesson(course, pk.package_2004(), "Data protection")
        make_user(LEARNER, "LMS Student", password=PASSWORD)
        smooth.db.set_value("User", LEARNER, "user_type", "Website User")
        smooth.set_user(LEARNER)
        learning.enroll(course)
        smooth.set_user("Administrator")
        smooth.db.commit()

    log_in(page, LEARNER, PASSWORD, then="/lms")
    asked = []
    page.on("request", lambda request: asked.append(request) if "get_logged_user" in request.url else None)
    sco = _played(page, f"/lms/courses/{course}/learn/{old}")
    report = sco.locator("#report")
    expect(report).to_have_attribute("data-api", "found")
    expect(report).to_have_attribute("data-entry", "ab-initio")
    expect(report).to_have_attribute("data-student", LEARNER)
    expect(report).to_have_attribute("data-bad-status", "false 405")
    expect(report).to_have_attribute("data-read-only", "false 403")
    expect(report).to_have_attribute("data-write-only", "404")
    expect(page.locator("#scorm-status")).to_have_text("Passed · score 85")
    expect(page.locator(".progress-value")).to_have_text("50%")
    expect(page.get_by_role("button", name="Mark complete")).to_have_count(0)

    # the site's own page sees its readable cookies; the package's frame sees none, and no storage
    assert page.evaluate("document.cookie"), "the player page should see the site's non-HttpOnly cookies"
    assert any(c["name"] == "sid" for c in page.context.cookies())
    cookie = report.get_attribute("data-cookie") or ""
    assert cookie == "empty" or cookie.startswith("blocked"), cookie
    assert report.get_attribute("data-storage") == "blocked"
    expect(report).to_have_attribute("data-whoami", re.compile(r"^(refused|\d{3} )"))
    whoami = report.get_attribute("data-whoami") or ""
    assert LEARNER not in whoami, whoami
    assert asked, "the SCO's fetch of the logged-in user should have been sent"
    assert all("sid=" not in (r.all_headers().get("cookie") or "") for r in asked), "the session cookie went along"

    sco = _played(page, f"/lms/courses/{course}/learn/{old}")  # again: resumes
    report = sco.locator("#report")
    expect(report).to_have_attribute("data-entry", "resume")
    expect(report).to_have_attribute("data-resumed-data", "visits=1")
    expect(report).to_have_attribute("data-resumed-location", "page-1")
    expect(page.locator("#scorm-status")).to_have_text("Passed · score 85")
    expect(page.locator("[data-saved]")).to_have_attribute("data-saved", "2")  # the Commit, then the Finish

    sco = _played(page, f"/lms/courses/{course}/learn/{new}")
    report = sco.locator("#report")
    expect(report).to_have_attribute("data-bad-scaled", "false 407")
    expect(report).to_have_attribute("data-undefined", "false 401")
    expect(report).to_have_attribute("data-location-error", "403")  # 2004: never set yet, "not initialized"
    expect(page.locator("#scorm-status")).to_have_text("Completed · passed · score 9")
    expect(page.locator(".progress-value")).to_have_text("100%")
    assert_accessible(page)
    screenshot(page, "scorm-lesson", live.handle.backend)

    phone = browser.new_context(base_url=live.url, viewport=PHONE_WIDTH)
    try:
        small = phone.new_page()
        log_in(small, LEARNER, PASSWORD, then="/lms")
        sco = _played(small, f"/lms/courses/{course}/learn/{new}")
        expect(sco.locator("#report")).to_have_attribute("data-resumed-data", "answers=abc")
        expect(sco.locator("#report")).to_have_attribute("data-resumed-location", "slide-3")
        expect(sco.locator("#report")).to_have_attribute("data-location-error", "0")
        screenshot(small, "scorm-lesson-phone", live.handle.backend)
    finally:
        phone.close()

    with live.handle.context():
        rows = {r["lesson"]: r for r in smooth.get_all(
            "LMS SCORM Attempt", fields=["lesson", "completed", "score_raw", "total_time", "suspend_data"],
            filters={"member": LEARNER})}
        assert rows[old]["completed"] and rows[old]["score_raw"] == 85
        assert rows[old]["total_time"] == "0000:00:25.00"  # two sessions of 12.5 s
        assert rows[new]["suspend_data"] == "answers=abc"
        assert smooth.db.get_value("LMS Enrollment", {"member": LEARNER, "course": course}, "progress") == 100


def test_what_a_package_set_without_committing_is_kept_when_the_learner_leaves(page: Page, live: LiveSite) -> None:
    with live.handle.context():
        course = smooth.get_doc({"doctype": "LMS Course", "title": "Half Way", "published": 1}).insert().name
        lesson = pk.scorm_lesson(course, pk.package_uncommitted(), "Half-way module")
        make_user(LEARNER, "LMS Student", password=PASSWORD)
        smooth.set_user(LEARNER)
        learning.enroll(course)
        smooth.set_user("Administrator")
        smooth.db.commit()
    log_in(page, LEARNER, PASSWORD, then="/lms")
    sco = _played(page, f"/lms/courses/{course}/learn/{lesson}")
    expect(sco.locator("#report")).to_have_attribute("data-resumed-location", "")
    page.goto("/lms")  # leaves before the package commits
    # the page's last save is a keepalive request sent as it goes: it may land after the next page is served
    deadline = time.monotonic() + 10
    while _suspended(live, lesson) != "half-way" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _suspended(live, lesson) == "half-way"
    sco = _played(page, f"/lms/courses/{course}/learn/{lesson}")
    expect(sco.locator("#report")).to_have_attribute("data-resumed-location", "draft-1")


def _suspended(live: LiveSite, lesson: str) -> str | None:
    with live.handle.context():
        return smooth.db.get_value("LMS SCORM Attempt", {"member": LEARNER, "lesson": lesson}, "suspend_data")


def test_an_author_uploads_a_package_on_the_lesson_form(page: Page, live: LiveSite, tmp_path: Path) -> None:
    with live.handle.context():
        course = smooth.get_doc({"doctype": "LMS Course", "title": "Authoring SCORM"}).insert().name
        chapter = smooth.get_doc({"doctype": "Course Chapter", "title": "One", "course": course}).insert().name
        lesson = smooth.get_doc({"doctype": "Course Lesson", "title": "Packaged", "chapter": chapter}).insert().name
        make_user("moe@example.com", "Moderator", password=PASSWORD)
        smooth.db.commit()
    bad, good = tmp_path / "slip.zip", tmp_path / "fire-safety.zip"
    bad.write_bytes(pk.zipped({"imsmanifest.xml": pk.MANIFEST_12, "content/index.html": "x", "../../evil.html": "x"}))
    good.write_bytes(pk.package_12())
    log_in(page, "moe@example.com", PASSWORD, then=f"/app/course-lesson/{lesson}")
    form = page.locator("#doc-form")
    form.get_by_label("SCORM Package", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("alert")).to_contain_text("climbs out of the package folder")
    form.get_by_label("SCORM Package", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status")).to_have_text("Saved")
    expect(page.locator("[data-ro='scorm_version']")).to_have_text("1.2")
    expect(page.locator("[data-ro='scorm_launch']")).to_have_text("content/index.html")
    screenshot(page, "scorm-lesson-form", live.handle.backend)
    with live.handle.context():
        assert smooth.db.get_value("Course Lesson", lesson, "scorm_package").startswith("/private/files/")
