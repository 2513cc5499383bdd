"""Issue 23's journey in Chromium: a course of a video with skip prevention, a quiz, a PDF lesson and a SCORM package.

The author's player measures the film; the learner cannot seek past what they watched, watching 90% completes
the video lesson, the sidebar and "next" lead lesson -> quiz -> next lesson, the PDF shows in the page (with a
private image in the text that a stranger cannot fetch), "continue" lands where they left off (the SCORM lesson,
whose package reports itself passed), the evaluation can be booked, and the audit export and the transcript show
what was watched and the package's result. SQLite only: what is checked happens in the browser (the SCORM
package's isolation is tests/e2e/test_scorm_lesson.py's).
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

import smooth
from smooth_hr import audit_export
from tests.conftest import make_user
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, Chromium, LiveSite, assert_accessible, log_in, screenshot
from tests.e2e.media import one_page_pdf, recorded_webm
from tests.e2e.portal import ALL_WEEK, EVALUATOR, PASSWORD, learner, log_in_learner
from tests.hr.conftest import make_compliance_type, make_employee
from tests.lms import scorm_packages
from tests.lms.conftest import make_course, make_evaluator
from tests.lms.content import add_lessons

LEARNER = "vida@example.com"
STRANGER = "stan@example.com"
HR = "hilda.hr@example.com"
AUTHOR = "arno.author@example.com"
VIDEO_SECONDS = 12  # two 10-second segments: the first alone is 83%, short of the 90% asked


@pytest.fixture(scope="module")
def webm(chromium: Chromium) -> bytes:
    return recorded_webm(chromium.connected(), VIDEO_SECONDS)


def _png() -> bytes:
    """A 4x4 blue PNG (an image in the lesson's text)."""
    raw = b"".join(b"\x00" + b"\x20\x60\xc0" * 4 for _ in range(4))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _attach(lesson: str, file_name: str, content: bytes) -> str:
    record = smooth.get_doc({"doctype": "File", "file_name": file_name, "is_private": 1,
                             "attached_to_doctype": "Course Lesson", "attached_to_name": lesson})
    record.content = content
    return str(record.insert().file_url)


def _course(live: LiveSite, video: bytes) -> tuple[str, list[str], str, str]:
    with live.handle.context():
        course = make_course("Forklift Film", prevent_skipping=1, video_completion_percent=90)
        lessons = add_lessons(course, {"Watch": ["Safety film"], "Read": ["Checklist"]})
        smooth.db.set_value("Course Lesson", lessons[0], "video", _attach(lessons[0], "film.webm", video))
        image = _attach(lessons[1], "diagram.png", _png())
        reading = smooth.get_doc("Course Lesson", lessons[1])
        reading.file = _attach(lessons[1], "checklist.pdf", one_page_pdf("Forklift checklist"))
        reading.append("images", {"image": image, "description": "Checklist [diagram]"})
        reading.save()
        assert reading.images[0].markdown == f"![Checklist (diagram)]({image})"  # what the author pastes
        reading.body = f"## Before you drive\n\n{reading.images[0].markdown}\n\nRead the checklist below."
        reading.save()
        quiz = smooth.get_doc({"doctype": "LMS Quiz", "title": "Film quiz", "course": course, "lesson": lessons[0],
                               "passing_percentage": 100, "questions": [
                                   {"question": "Who may drive a forklift?", "type": "Single Choice",
                                    "options": "Anyone\nA trained driver", "correct_answers": "A trained driver",
                                    "marks": 1}]}).insert().name
        lessons.append(scorm_packages.scorm_lesson(course, scorm_packages.package_12(), "Fire drill"))
        make_evaluator(EVALUATOR, [course], ALL_WEEK, timezone="Europe/Berlin")
        make_user(AUTHOR, "Course Creator", password=PASSWORD)
        authored = smooth.get_doc("LMS Course", course)
        authored.append("instructors", {"instructor": AUTHOR})
        authored.save()
        learner(LEARNER)
        learner(STRANGER)
        make_user(HR, "HR Manager")
        make_employee("Vida", user_id=LEARNER)
        make_compliance_type("Forklift Film Training", course=course)
        smooth.db.commit()
    return course, lessons, quiz, image


def _video_ready(page: Page) -> None:
    """The recording states no length: the player finds it (to the end and back) before anything else."""
    page.wait_for_function("() => { const v = document.getElementById('lesson-video');"
                           " return v && v.readyState >= 1 && isFinite(v.duration) && v.currentTime < 1; }")


def test_a_learner_watches_the_film_takes_the_quiz_reads_the_pdf_and_books(
        page: Page, live: LiveSite, browser: Browser, webm: bytes, tmp_path: Path) -> None:
    course, lessons, quiz, image = _course(live, webm)
    author = browser.new_context(base_url=live.url)
    try:  # the author's player measures the film once: every learner's share is of that length
        preview = author.new_page()
        with preview.expect_response(lambda r: "record_engagement" in r.url) as measured:
            log_in(preview, AUTHOR, PASSWORD, then=f"/lms/courses/{course}/learn/{lessons[0]}")
        assert measured.value.json()["message"] == {"recorded": False}
    finally:
        author.close()
    with live.handle.context():
        assert smooth.db.get_value("Course Lesson", lessons[0], "video_duration") == pytest.approx(VIDEO_SECONDS, abs=1)
    log_in_learner(page, LEARNER)
    page.goto(f"/lms/courses/{course}")
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page).to_have_url(re.compile(rf"/learn/{lessons[0]}$"))
    sidebar = page.locator("#lesson-sidebar")
    expect(sidebar.locator("li a")).to_have_text(["1.1 Safety film", "Quiz: Film quiz", "2.1 Checklist",
                                                  "3.1 Fire drill"])
    expect(sidebar.locator("a[aria-current=page]")).to_have_text("1.1 Safety film")

    page.get_by_role("button", name="Mark complete").click()  # refused: nothing watched yet
    expect(page.locator(".alert-error")).to_contain_text("Watch at least 90% of the video")
    _video_ready(page)
    page.evaluate("document.getElementById('lesson-video').currentTime = 9")  # skipping ahead is refused
    expect(page.locator("#skip-refused")).to_be_visible()
    assert page.evaluate("document.getElementById('lesson-video').currentTime") < 2
    assert_accessible(page)
    screenshot(page, "lesson-video", live.handle.backend)
    page.evaluate("(() => { const v = document.getElementById('lesson-video'); v.muted = true;"
                  " v.playbackRate = 2; return v.play(); })()")
    expect(page.locator("#lesson-completed")).to_be_visible(timeout=30_000)
    expect(page.locator("#watch-status")).to_have_text(re.compile(r"Watched (9\d|100)%"))
    expect(page.locator("#lesson-progress progress")).to_have_attribute("value", re.compile(r"^25"))
    with page.expect_response(lambda r: "record_engagement" in r.url  # leaving sends a beacon (no header: the
                              and "x-frappe-csrf-token" not in r.request.headers) as beacon:  # token is in the form)
        page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    assert beacon.value.status == 200 and beacon.value.json()["message"]["completed"] is True

    expect(page.locator("#next-step")).to_have_text("Next: quiz Film quiz →")  # the quiz after the film
    page.locator("#next-step").click()
    expect(page).to_have_url(re.compile(rf"/quiz/{quiz}$"))
    expect(page.locator("#lesson-sidebar li.done a")).to_have_text(["1.1 Safety film"])
    page.get_by_label("A trained driver").check()
    page.get_by_role("button", name=re.compile("^Submit")).click()
    expect(page.locator("#quiz-outcome")).to_have_text("Passed")
    screenshot(page, "lesson-quiz-passed", live.handle.backend)
    page.get_by_role("link", name="Next: 2.1 Checklist").click()

    expect(page).to_have_url(re.compile(rf"/learn/{lessons[1]}$"))
    pdf = page.locator("iframe#lesson-pdf")
    expect(pdf).to_be_visible()
    frame = pdf.element_handle().content_frame()  # type: ignore[union-attr]
    assert frame is not None  # the frame exists before it has navigated: wait for the PDF's address
    frame.wait_for_url(re.compile(r".*/private/files/checklist[^/]*\.pdf"), wait_until="commit")
    fetched = page.request.get(str(pdf.get_attribute("src")).split("#")[0])
    assert fetched.status == 200 and fetched.headers["content-type"] == "application/pdf"
    assert fetched.headers["content-disposition"].startswith("inline")
    diagram = page.get_by_role("img", name="Checklist (diagram)")
    assert diagram.evaluate("img => img.complete && img.naturalWidth") == 4
    screenshot(page, "lesson-pdf", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "lesson-pdf-phone", live.handle.backend)
    page.goto(f"/lms/courses/{course}/learn/{lessons[0]}")
    screenshot(page, "lesson-video-phone", live.handle.backend)
    page.set_viewport_size(DESK_WIDTH)

    page.goto(f"/lms/courses/{course}")  # continue where they left off: the PDF lesson
    screenshot(page, "course-continue", live.handle.backend)
    page.locator("#continue").click()
    expect(page).to_have_url(re.compile(rf"/learn/{lessons[1]}$"))
    page.get_by_role("button", name="Mark complete").click()
    page.goto(f"/lms/courses/{course}")
    expect(page.locator("progress")).to_have_attribute("value", re.compile(r"^75(\.0)?$"))
    page.locator("#continue").click()  # on to the package, which reports itself passed
    expect(page).to_have_url(re.compile(rf"/learn/{lessons[2]}$"))
    expect(page.frame_locator("#scorm-frame").locator("#report")).to_have_attribute("data-done", "yes")
    expect(page.locator("#scorm-status")).to_have_text("Passed · score 85")
    expect(page.locator(".progress-value")).to_have_text("100%")
    expect(page.locator("#lesson-sidebar li.done a")).to_have_text(  # ticked as the package reports, no reload
        ["1.1 Safety film", "Quiz: Film quiz", "2.1 Checklist", "3.1 Fire drill"])
    screenshot(page, "lesson-scorm", live.handle.backend)
    page.goto(f"/lms/courses/{course}")
    expect(page.locator("progress")).to_have_attribute("value", re.compile(r"^100(\.0)?$"))

    page.get_by_role("link", name="Certification").click()
    page.locator("#slot-form input[name=slot]").first.check()
    page.get_by_role("button", name="Book this slot").click()
    expect(page.locator("#notice")).to_contain_text("Evaluation booked")

    stranger = browser.new_context(base_url=live.url)
    try:  # the text's image is the lesson's private file: a learner of another course cannot fetch it
        other = stranger.new_page()
        log_in_learner(other, STRANGER)
        assert other.request.get(image).status == 403
        assert page.request.get(image).status == 200
    finally:
        stranger.close()

    with live.handle.context():
        employee = smooth.db.get_value("Employee", {"user_id": LEARNER}, "name")
        smooth.set_user(HR)
        download = audit_export.download_audit_export(employee=employee)
        smooth.set_user("Administrator")
    archive = zipfile.ZipFile(download.path)
    rows = {row["Lesson"]: row for row in csv.DictReader(io.StringIO(
        archive.read("lesson_engagement.csv").decode()))}
    assert {"Safety film", "Checklist"} <= set(rows)
    film = rows["Safety film"]
    assert float(film["Watched (%)"]) >= 90 and film["Lesson Complete"] == "Yes" and film["Completed by Watching On"]
    assert film["Watched Segments (s)"].startswith("0-") and float(film["Video Length (s)"]) == pytest.approx(
        VIDEO_SECONDS, abs=1)
    assert rows["Checklist"]["Lesson Complete"] == "Yes" and int(rows["Checklist"]["Seconds on the Lesson Page"]) >= 0
    scorm = list(csv.DictReader(io.StringIO(archive.read("scorm_results.csv").decode())))
    assert [(r["Lesson"], r["Success Status"], float(r["Score"])) for r in scorm] == [(lessons[2], "passed", 85)]
    transcript = archive.read("transcript.html").decode()
    assert "Lessons watched" in transcript and "Safety film" in transcript and "Film quiz" in transcript
    assert "SCORM results" in transcript and "Fire drill" in transcript
    assert "lesson_engagement.csv lists" in archive.read("README.txt").decode()


# YouTube's iframe API cannot be reached from the test machine: these stand in for its two hosts, with the API's
# calls the player uses (a play head that advances at 2x while playing, then ends), so what runs is the page's own code.
FAKE_IFRAME_API = """window.YT = {Player: function (id, options) {
  var self = this, frame = document.createElement("iframe");
  frame.src = "https://www.youtube-nocookie.com/embed/" + options.videoId; frame.title = "YouTube video";
  document.getElementById(id).replaceWith(frame);
  self.t = 0; self.state = -1;
  self.getCurrentTime = function () { return self.t; };
  self.getDuration = function () { return 12; };
  self.seekTo = function (t) { self.t = t; };
  self.playVideo = function () { self.state = 1; options.events.onStateChange({data: 1}); };
  setInterval(function () {
    if (self.state !== 1) { return; }
    self.t = Math.min(12, self.t + 0.5);
    if (self.t === 12) { self.state = 0; options.events.onStateChange({data: 0}); }
  }, 250);
  window.fakePlayer = self;
  setTimeout(function () { options.events.onReady({}); }, 0);
}};
setTimeout(function () { window.onYouTubeIframeAPIReady(); }, 0);"""


def test_a_youtube_lesson_plays_through_the_iframe_api_with_skip_prevention(page: Page, live: LiveSite) -> None:
    with live.handle.context():
        course = make_course("Tube", prevent_skipping=1, video_completion_percent=90, evaluation_required=0)
        lesson = add_lessons(course, {"Watch": ["On YouTube"]})[0]
        smooth.db.set_value("Course Lesson", lesson, {"youtube": "https://youtu.be/dQw4w9WgXcQ", "video_duration": 12})
        learner(LEARNER)
        smooth.db.commit()
    page.route("https://www.youtube.com/iframe_api",
               lambda route: route.fulfill(body=FAKE_IFRAME_API, content_type="text/javascript"))
    page.route("https://www.youtube-nocookie.com/**",
               lambda route: route.fulfill(body="<!doctype html><title>player</title>", content_type="text/html"))
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    log_in_learner(page, LEARNER)
    page.goto(f"/lms/courses/{course}")
    page.get_by_role("button", name="Enrol in this course").click()
    page.wait_for_function("() => window.fakePlayer !== undefined")  # the page's CSP let the API's script run
    page.evaluate("window.fakePlayer.t = 9")  # skipping ahead: the player is sent back
    expect(page.locator("#skip-refused")).to_be_visible()
    page.wait_for_function("() => window.fakePlayer.t < 2")
    page.evaluate("window.fakePlayer.playVideo()")
    expect(page.locator("#lesson-completed")).to_be_visible(timeout=15_000)
    expect(page.locator("#watch-status")).to_have_text("Watched 100%")
    assert page.locator("iframe[title='YouTube video']").get_attribute("src") == \
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert not blocked
