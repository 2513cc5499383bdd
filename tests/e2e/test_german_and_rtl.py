"""A German learner's portal and certificate PDF are German; the x-rtl pseudo-language lays pages out right to left.

English pages are covered by every other browser test; these check what a language changes in the browser:
the strings, the html `lang` and `dir`, dates in the language, and the layout mirrored by the CSS's logical
properties (screenshots at desk and phone width, written for people to look at).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

import smooth
from smooth_lms.certificates import issue_certificate
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.lms.conftest import make_course, make_evaluator, make_learner
from tests.printing.test_print_pdf import pdf_text

LEARNER, EVA, PASSWORD = "greta@example.com", "eva@example.com", "secret-pw"


def test_a_german_learner_sees_the_portal_and_certificate_in_german(page: Page, live: LiveSite,
                                                                   tmp_path: Path) -> None:
    with live.handle.context():
        course = make_course("Kranführung")
        make_evaluator(EVA, [course])
        make_learner(LEARNER, course, language="de", first_name="Greta", full_name="Greta Kranz")
        cert = issue_certificate(LEARNER, course)
        number, issued = cert.certificate_number, smooth.getdate(cert.issue_date)
        smooth.db.commit()
    log_in(page, LEARNER, PASSWORD, then="/lms")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name="Mein Lernen")).to_be_visible()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    for label in ("Kurse", "Prüfungen", "Zertifikate"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    page.goto("/lms/certificates")
    expect(page.get_by_role("heading", name="Meine Zertifikate")).to_be_visible()
    expect(page.get_by_text(number)).to_be_visible()
    # the scripts' words (the lesson player's, the desk's) come from the dictionaries the server wrote into the page
    assert page.evaluate("() => [window.__('Watched {0}%', [90]), window.__('Bold')]") == ["90 % angesehen", "Fett"]
    assert_accessible(page)
    screenshot(page, "german-certificates", live.handle.backend)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("PDF herunterladen")).click()
    path = info.value.path()
    assert path is not None
    text = " ".join(pdf_text(Path(path).read_bytes(), tmp_path).split()).lower()  # labels are in capitals
    german_date = smooth.strftime(issued, "%d %B %Y", "de")
    for expected in ("Abschlusszertifikat", "Hiermit wird bestätigt, dass", "Greta Kranz", "Kranführung",
                     "Ausgestellt", "Zertifikatsnummer", "Unbefristet", german_date):
        assert expected.lower() in text, (expected, text)
    assert "certificate" not in text and "december" not in text


@contextmanager
def administrator_speaks(live: LiveSite, lang: str) -> Iterator[None]:
    with live.handle.context():
        smooth.db.set_value("User", "Administrator", "language", lang)
        smooth.db.commit()
    try:
        yield
    finally:
        with live.handle.context():
            smooth.db.set_value("User", "Administrator", "language", None)
            smooth.db.commit()


def at_both_widths(browser: Browser, live: LiveSite) -> Iterator[tuple[str, dict[str, int], Page]]:
    """A fresh page at desk and at phone width, for screenshots of each."""
    for width, size in (("desk", DESK_WIDTH), ("phone", PHONE_WIDTH)):
        context = browser.new_context(base_url=live.url, viewport=size)
        try:
            yield width, size, context.new_page()
        finally:
            context.close()


def test_the_rtl_pseudo_language_mirrors_portal_and_desk(browser: Browser, live: LiveSite) -> None:
    with live.handle.context():
        course = make_course("Mirror Course")
        make_learner(LEARNER, course, language="x-rtl")
    with administrator_speaks(live, "x-rtl"):
        for width, size, page in at_both_widths(browser, live):
            log_in(page, LEARNER, PASSWORD, then="/lms/courses")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.get_by_role("heading", name="[Courses]")).to_be_visible()
            brand = page.locator(".navbar .brand").bounding_box()
            assert brand and brand["x"] > size["width"] / 2, brand  # the brand starts the line: at the right
            screenshot(page, f"rtl-portal-{width}", live.handle.backend)
            page.context.clear_cookies()
            log_in(page, "Administrator", "admin", then="/app/lms-course")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.get_by_role("link", name="[New [LMS Course]]")).to_be_visible()  # name translated too
            screenshot(page, f"rtl-desk-list-{width}", live.handle.backend)


def test_the_desk_s_report_view_and_data_import_speak_german(browser: Browser, live: LiveSite) -> None:
    """The core pages' own text (not only the list and form chrome) goes through the catalog."""
    with live.handle.context():
        make_course("Kranführung")
        smooth.db.commit()
    with administrator_speaks(live, "de"):
        for width, _size, page in at_both_widths(browser, live):
            log_in(page, "Administrator", "admin", then="/app/lms-course/view/report")
            expect(page.get_by_role("heading", name="LMS-Kurs-Bericht")).to_be_visible()
            expect(page.get_by_role("link", name="Listenansicht")).to_be_visible()
            expect(page.get_by_text("Spalten wählen")).to_be_visible()
            expect(page.get_by_label("Gruppieren nach")).to_be_visible()
            expect(page.locator(".paging-count")).to_contain_text("1 von 1")
            screenshot(page, f"german-report-{width}", live.handle.backend)
            page.goto("/app/data-import/new")
            expect(page.get_by_role("heading", name="Neuer Datenimport")).to_be_visible()
            expect(page.get_by_role("button", name="Hochladen und Vorschau")).to_be_visible()
            expect(page.get_by_role("heading", name="Brauchen Sie eine Vorlage?")).to_be_visible()
            screenshot(page, f"german-data-import-{width}", live.handle.backend)
