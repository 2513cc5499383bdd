"""Workspaces over HTTP: what each user sees of them, live counts through permission-checked queries."""

from __future__ import annotations

import re
from typing import Any

import pytest

import smooth
from smooth.exceptions import ValidationError
from smooth.pages.desk.workspaces import resolve_tokens
from tests.api.helpers import Api
from tests.conftest import make_user
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday
from tests.pages.served import EVERY_DAY, as_user, page_text

MONDAY = 0


def _links(html: str) -> dict[str, str]:
    """Link text -> href of every anchor on the page."""
    return {" ".join(re.sub(r"<[^>]+>", " ", text).split()): href
            for href, text in re.findall(r'<a[^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)}


def _pending_for_eva(api: Api) -> None:
    """Two pending requests for eva, one completed; one pending for ed."""
    with api.handle.context():
        course_a, course_b = make_course("Safety Basics"), make_course("Forklift")
        make_evaluator("eva@example.com", [course_a], EVERY_DAY, timezone="UTC")
        make_evaluator("ed@example.com", [course_b], EVERY_DAY, timezone="UTC")
        monday = next_weekday(MONDAY, 7)
        for i, learner in enumerate(("lea@example.com", "leo@example.com", "lia@example.com")):
            make_learner(learner, course_a)
            book(learner, course_a, monday, f"1{i}:00")
        done = smooth.get_all("LMS Certificate Request", filters={"member": "lia@example.com"}, pluck="name")[0]
        smooth.db.set_value("LMS Certificate Request", done, "status", "Completed")
        smooth.get_doc({"doctype": "LMS Enrollment", "member": "lea@example.com", "course": course_b,
                        "progress": 100}).insert()
        book("lea@example.com", course_b, monday, "09:00")
        smooth.db.commit()


def test_an_evaluator_sees_the_learning_workspace_with_their_pending_count(served: Api) -> None:
    _pending_for_eva(served)
    response = served.get("/app", user="eva@example.com")
    assert response.status_code == 200, response.text
    text = page_text(response.text)
    assert "<h1>Learning</h1>" in response.text
    assert re.search(r"Pending requests assigned to me 2 Pending", text)
    assert re.search(r"All pending certificate requests 2 Pending", text), "ed's request is not counted"
    links = _links(response.text)
    assert links["Certificate Requests"] == "/app/lms-certificate-request"
    assert links["Evaluation calendar"] == "/app/lms-certificate-request/view/calendar"
    assert links["Pending requests assigned to me 2 Pending"] == \
        "/app/lms-certificate-request?evaluator=eva%40example.com&amp;status=Pending"
    assert "Evaluator Gaps" not in links, "an evaluator may not read LMS Evaluator Gap"
    assert "Users and Settings" not in links, "the Users workspace is for System Managers"
    assert links["Learning"] == "/app/learning"

    admin = page_text(served.get("/app").text)
    assert "Pending requests assigned to me 0 Pending" in admin
    assert "All pending certificate requests 3 Pending" in admin


def test_the_users_workspace_is_for_system_managers(served: Api) -> None:
    with served.handle.context():
        make_user("sysman@example.com", "System Manager")
        make_user("mod@example.com", "Moderator")
    response = served.get("/app/users", user="sysman@example.com")
    assert response.status_code == 200
    links = _links(response.text)
    assert {"Users", "Roles", "System Settings", "Workspaces"} <= set(links)
    assert links["Users"] == "/app/user"
    assert "Desk users" in page_text(response.text)

    refused = served.get("/app/users", user="mod@example.com")
    assert refused.status_code == 403
    assert "the Users and Settings workspace is not shown to you" in refused.text


def test_app_opens_the_default_workspace_and_keeps_every_doctype_in_reach(served: Api) -> None:
    with served.handle.context():
        make_user("sysman@example.com", "System Manager")
    first = served.get("/app", user="sysman@example.com").text
    assert "<h1>Learning</h1>" in first
    assert "All document types" in first and 'href="/app/lms-course"' in first
    with served.handle.context():
        as_user("sysman@example.com", default_workspace="Users")
    assert "<h1>Users and Settings</h1>" in served.get("/app", user="sysman@example.com").text


def test_with_no_workspace_to_show_app_lists_the_readable_doctypes(served: Api) -> None:
    with served.handle.context():
        make_user("mod@example.com", "Moderator")
        smooth.db.set_value("Workspace", "Learning", "is_hidden", 1)
        smooth.db.commit()
    try:
        response = served.get("/app", user="mod@example.com")
        assert response.status_code == 200
        assert "<h1>Home</h1>" in response.text
        assert '<details class="ws-all" open>' in response.text
        assert 'href="/app/lms-certificate-request"' in response.text
        assert served.get("/app/learning", user="mod@example.com").status_code == 403
    finally:
        with served.handle.context():
            smooth.db.set_value("Workspace", "Learning", "is_hidden", 0)
            smooth.db.commit()


def test_an_unknown_slug_is_a_404_page(served: Api) -> None:
    response = served.get("/app/no-such-workspace")
    assert response.status_code == 404
    assert "There is no page /app/no-such-workspace: no workspace or document type has that name" in response.text


def test_count_filter_tokens_are_replaced_and_nothing_is_evaluated() -> None:
    filters: Any = {"evaluator": "__user", "owner": ["in", ["frappe.session.user", "x"]],
                    "note": "__import__('os').system('true')", "n": 3}
    assert resolve_tokens(filters, "eva@example.com") == {
        "evaluator": "eva@example.com", "owner": ["in", ["eva@example.com", "x"]],
        "note": "__import__('os').system('true')", "n": 3}


@pytest.mark.parametrize(("change", "message"), [
    ({"label": "LMS Course"}, "would hide the pages of DocType LMS Course"),
    ({"links": [{"type": "Link", "label": "Bad", "link_type": "URL", "link_to": "javascript:alert(1)"}]},
     "a URL must be a path on this server or an http(s) address"),
    ({"links": [{"type": "Link", "label": "Rows", "link_type": "DocType", "link_to": "Has Role"}]},
     "'Has Role' is not a DocType with pages"),
    ({"shortcuts": [{"label": "Bad", "type": "DocType", "link_to": "User", "stats_filter": "{status: 1}"}]},
     "Count Filter is not valid JSON"),
    ({"public": 0}, "A private workspace needs For User"),
])
def test_workspace_records_are_validated(served: Api, change: dict[str, Any], message: str) -> None:
    with served.handle.context():
        doc = smooth.get_doc({"doctype": "Workspace", "label": "Scratch", "title": "Scratch", **change})
        with pytest.raises(ValidationError, match=re.escape(message)):
            doc.insert()
        smooth.db.rollback()


def test_a_german_reader_sees_the_modules_of_all_document_types_in_german(served: Api) -> None:
    """The cards' module names are translated like the doctype names under them (SQLite only, as app tests are)."""
    with served.handle.context():
        make_user("leiter@example.com", "System Manager")
        smooth.db.set_value("User", "leiter@example.com", "language", "de")
        smooth.db.commit()
    text = served.get("/app", user="leiter@example.com").text
    assert "Alle Dokumenttypen" in text and '<section class="card" aria-label="Kern">' in text
    assert "<h2>Kern</h2>" in text and "<h2>Core</h2>" not in text
