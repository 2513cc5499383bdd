"""Email Templates and Print Formats in the desk: refused when they do not compile, previewed against a
real record, and a mail that failed to render shows as a notice in the desk nav.

SQLite only: desk pages over templates, nothing here differs between the databases.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest

import smooth
from tests.api.helpers import Api, insert
from tests.lms.conftest import make_course


@pytest.fixture
def desk(pages: Api) -> Iterator[Api]:
    yield pages
    with pages.handle.context():
        for doctype, names in (("Email Template", ["Preview Booking"]), ("Print Format", ["Preview Sheet"])):
            for name in names:
                if smooth.db.exists(doctype, name):
                    smooth.delete_doc(doctype, name, force=True, ignore_permissions=True)
        for name in smooth.get_all("Notification Log", pluck="name"):
            smooth.delete_doc("Notification Log", name, force=True, ignore_permissions=True)
        smooth.db.commit()


def _modified(page: str) -> str:
    found = re.search(r'name="modified" value="([^"]*)"', page)
    assert found
    return html.unescape(found.group(1))


def _srcdoc(page: str) -> str:
    found = re.search(r'srcdoc="([^"]*)"', page)
    assert found, page[:2000]
    return html.unescape(found.group(1))


def test_a_template_that_does_not_compile_is_refused_in_the_desk_form(desk: Api) -> None:
    refused = desk.post("/app/email-template/new", data={
        "__newname": "Preview Booking", "subject": "Booked: {{ doc.course_title ", "response_html": "<p>x</p>",
        "action": "save"}, follow_redirects=False)
    assert refused.status_code == 417, refused.text[:500]
    assert "Subject, line 1: unexpected end of template" in refused.text, re.findall(r"line 1[^<]*", refused.text)
    with desk.handle.context():
        assert not smooth.db.exists("Email Template", "Preview Booking")


def test_an_email_template_previews_against_a_chosen_record(desk: Api) -> None:
    with desk.handle.context():
        course = make_course("Crane Safety")
        smooth.db.commit()
    insert(desk, {"doctype": "Email Template", "name": "Preview Booking",
                  "subject": "Booked: {{ doc.title }} on {{ when }}",
                  "response_html": "<p>Hello {{ recipient_name }},</p>\n<p>{{ doc.title }}</p>"})
    form = desk.get("/app/email-template/Preview%20Booking").text
    key = re.search(r'name="action" value="(button:\d+)"[^>]*>Preview<', form)
    assert key, "the form offers Preview"
    opened = desk.post("/app/email-template/Preview%20Booking", data={"action": key.group(1),
                                                                      "modified": _modified(form)},
                       follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/app/email-template/Preview%20Booking/preview"
    chooser = desk.get(opened.headers["location"])
    assert chooser.status_code == 200 and '<option value="LMS Course">' in chooser.text
    shown = desk.get(opened.headers["location"], params={"doctype": "LMS Course", "docname": course})
    assert shown.status_code == 200, shown.text[:500]
    assert '<span id="preview-subject">Booked: Crane Safety on [when]</span>' in shown.text
    assert "<p>Hello [recipient_name],</p>" in _srcdoc(shown.text) and "Crane Safety" in _srcdoc(shown.text)
    with desk.handle.context():
        smooth.db.set_value("Email Template", "Preview Booking", "response_html", "<p>Hi</p>\n{{ doc.titel }}")
        smooth.db.commit()
    failed = desk.get(opened.headers["location"], params={"doctype": "LMS Course", "docname": course})
    assert failed.status_code == 417
    assert "Response (HTML), line 2: &#39;dict object&#39; has no attribute &#39;titel&#39;" in failed.text


def test_a_print_format_previews_against_a_record_of_its_doctype(desk: Api) -> None:
    with desk.handle.context():
        course = make_course("Rigging")
        smooth.db.commit()
    insert(desk, {"doctype": "Print Format", "name": "Preview Sheet", "doc_type": "LMS Course",
                  "html": "<h1>Sheet: {{ doc.title }}</h1>\n{{ 10 ** 100000 }}"})
    url = "/app/print-format/Preview%20Sheet/preview"
    failed = desk.get(url, params={"docname": course})
    assert failed.status_code == 417 and "HTML, line 2: a number is too large" in failed.text
    with desk.handle.context():
        smooth.db.set_value("Print Format", "Preview Sheet", "html", "<h1>Sheet: {{ doc.title }}</h1>")
        smooth.db.commit()
    shown = desk.get(url, params={"docname": course})
    assert shown.status_code == 200 and "<h1>Sheet: Rigging</h1>" in _srcdoc(shown.text)
    assert 'sandbox=""' in shown.text


def test_unread_notices_show_in_the_desk_nav_of_their_user(desk: Api) -> None:
    assert "desk-notices" not in desk.get("/app").text
    insert(desk, {"doctype": "Notification Log", "subject": "An email was not sent", "for_user": "Administrator"})
    nav = desk.get("/app").text
    assert 'class="desk-notices" href="/app/notification-log?for_user=Administrator&amp;read=0"' in nav
    assert '<span class="indicator red">1</span>' in nav
