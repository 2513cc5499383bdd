"""What a new user reads and follows on desk and portal pages (issue 20: defects 14, 15, 16).

Error pages in the viewer's chrome, human titles, links that resolve, empty lists that say what
to do, Rating on its scale, the workspace each role lands on, and the words on the shipped
doctypes. Pages rendered over HTTP; none of it differs between databases, so SQLite only.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

import smooth
from smooth.exceptions import ValidationError
from smooth.model.validation import validate_values
from tests.api.helpers import Api, add_user, insert
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday

ROOT = Path(__file__).resolve().parents[2]
STAFF, LEARNER, HR = "staff@example.com", "learner@example.com", "hr@example.com"


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags gone, whitespace collapsed."""
    without = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", without))).strip()


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', html)]


def test_an_error_page_keeps_the_viewers_nav_and_offers_what_they_can_do(pages: Api) -> None:
    add_user(pages, STAFF, "Moderator")
    add_user(pages, LEARNER, "LMS Student")
    with pages.handle.context():
        smooth.db.set_value("User", LEARNER, "user_type", "Website User")
        smooth.db.commit()
    desk = pages.get("/app/no-such-page", user=STAFF)
    assert desk.status_code == 404
    assert "/app/learning" in hrefs(desk.text)  # the desk's workspace nav
    assert "/login" not in " ".join(hrefs(desk.text)) and ">Log in<" not in desk.text
    assert "Account menu of" in desk.text
    portal = pages.get("/lms/no-such-page", user=LEARNER)
    assert portal.status_code == 404
    assert {"/lms/evaluations", "/lms/certificates"} <= set(hrefs(portal.text))  # the learner's portal nav
    assert "/login" not in " ".join(hrefs(portal.text))
    refused = pages.get("/statistics/learning", user=LEARNER)
    assert refused.status_code == 403 and "/logout" in hrefs(refused.text)  # switch account, not "Log in"
    assert "/login?redirect-to=/lms/no-such-page" in hrefs(pages.get("/lms/no-such-page", user=None).text)


def test_a_refused_request_has_a_human_title(pages: Api) -> None:
    add_user(pages, STAFF, "Moderator")
    page = pages.get("/app/lms-certificate-request?date=not-a-date", user=STAFF)
    assert page.status_code == 417
    assert re.search(r"<h1>Could not open this page</h1>", page.text)
    assert "Not Valid" not in page.text and "<title>417" not in page.text


def test_links_to_a_doctype_open_its_list_and_an_empty_link_offers_no_open(pages: Api) -> None:
    workflows = pages.get("/app/workflow", user="Administrator")
    assert workflows.status_code == 200
    assert "/app/lms-certificate-request" in hrefs(workflows.text)
    assert not [h for h in hrefs(workflows.text) if h.startswith("/app/doctype/")]
    form = pages.get("/app/workflow/LMS%20Certificate%20Request", user="Administrator")
    assert form.status_code == 200
    assert not [h for h in hrefs(form.text) if h.startswith("/app/doctype/")]
    assert "/app/lms-certificate-request" in hrefs(form.text)
    new = pages.get("/app/lms-certificate-request/new", user="Administrator")
    opens = re.findall(r"<a class=\"link-open\"[^>]*>", new.text)
    assert opens and all("href" not in tag and "hidden" in tag for tag in opens), opens


def test_an_empty_list_invites_the_first_record_and_offers_no_next_page(pages: Api) -> None:
    add_user(pages, HR, "HR Manager")
    empty = pages.get("/app/employee-document", user=HR)
    assert empty.status_code == 200
    words = text_of(empty.text)
    assert "No Employee Documents yet." in words and "matches these filters" not in words
    assert "/app/employee-document/new" in hrefs(empty.text)
    assert 'rel="next"' not in empty.text and "0 records" in words
    filtered = pages.get("/app/employee-document?employee=EMP-NONE", user=HR)
    assert "No Employee Document matches these filters." in text_of(filtered.text)
    assert 'rel="next"' not in filtered.text


def test_a_rating_is_on_a_five_star_scale(pages: Api) -> None:
    """Stored as Frappe stores it (the fraction of the stars), chosen and shown as stars out of 5."""
    with pages.handle.context():
        doc = smooth.get_doc({"doctype": "LMS Certificate Evaluation", "rating": 7})
        off_scale = r"Rating is a rating out of 5 stars, stored as a fraction from 0 to 1 \(4 of 5 stars is 0.8\): 7"
        with pytest.raises(ValidationError, match=off_scale):
            validate_values(doc)
        for fine in (0, 0.8, "1"):
            validate_values(smooth.get_doc({"doctype": "LMS Certificate Evaluation", "rating": fine}))
    form = pages.get("/app/lms-certificate-evaluation/new", user="Administrator")
    field = re.search(r'<select[^>]*name="rating"[^>]*>(.*?)</select>', form.text, re.S)
    assert field, "the Rating is not chosen from a scale"
    assert re.findall(r'<option value="([^"]*)"', field.group(1)) == ["", "0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
    assert "★★★★☆ 4 / 5" in field.group(1)


def test_each_role_lands_on_the_workspace_made_for_it(pages: Api) -> None:
    add_user(pages, HR, "HR Manager")
    add_user(pages, STAFF, "Moderator")
    assert re.search(r"<h1[^>]*>\s*HR\s*</h1>", pages.get("/app", user=HR).text)
    assert re.search(r"<h1[^>]*>\s*Learning\s*</h1>", pages.get("/app", user=STAFF).text)
    assert re.search(r"<h1[^>]*>\s*Learning\s*</h1>", pages.get("/app", user="Administrator").text)


def test_the_request_form_shows_no_internal_fields_or_developer_notes(pages: Api) -> None:
    with pages.handle.context():
        course = make_course("Safety Basics")
        make_evaluator("eva@example.com", [course], [("Monday", "09:00", "12:00")])
        make_learner(LEARNER, course)
        request = book(LEARNER, course, next_weekday(0), "09:00")
        request.reload()
        request.status = "Cancelled"  # clears the active key: a Version with an internal field changed
        request.flags.ignore_workflow = True
        request.save()
        smooth.db.commit()
    form = pages.get(f"/app/lms-certificate-request/{request.name}", user="Administrator")
    assert form.status_code == 200
    activity = text_of(pages.get(f"/app/lms-certificate-request/{request.name}/activity", user="Administrator").text)
    assert "Status: Pending → Cancelled" in activity  # the timeline still tells the change
    assert "created this" in activity  # from the record's owner and creation: inserting writes no Version
    assert "Active Key" not in activity
    for fieldname in ("active_key", "sequence", "google_calendar_event_id"):
        assert re.search(rf'data-fieldname="{fieldname}"[^>]*\shidden>', form.text), fieldname
    words = text_of(form.text)
    for note in ("Section Evaluator", "wall clock", "SEQUENCE", "see Meet Error"):
        assert note not in words, note


def test_a_quiz_title_and_its_note_read_as_words(pages: Api) -> None:
    course = insert(pages, {"doctype": "LMS Course", "title": "Privacy Course", "published": 1})
    question = {"question": "Lock it?", "type": "Single Choice", "options": "Yes\nNo", "correct_answers": "Yes"}
    insert(pages, {"doctype": "LMS Quiz", "title": "Privacy Check", "course": course, "passing_percentage": 60,
                   "mandatory_for_certification": 1, "questions": [question]})
    learner = add_user(pages, LEARNER, "LMS Student")
    insert(pages, {"doctype": "LMS Enrollment", "member": learner, "course": course})
    words = text_of(pages.get(f"/lms/courses/{course}", user=learner).text)
    assert "Privacy Check · required for the certificate" in words, words


JARGON = re.compile(r"\bIANA\b|\.ics\b|\bSEQUENCE\b|wall clock|a JSON list|\bSHA-256 of\b|/app opens")


def test_the_shipped_doctypes_speak_to_users() -> None:
    """Labels and descriptions of fields people see carry no developer notes; one spelling of Acknowledgment."""
    found = []
    for path in sorted([*ROOT.glob("smooth*/**/doctype/*/*.json")]):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("doctype") != "DocType":
            continue
        for df in data.get("fields") or []:
            if df.get("hidden"):
                continue
            label, description = str(df.get("label") or ""), str(df.get("description") or "")
            if JARGON.search(description) or re.match(r"(Section|Column|Tab) ", label):
                found.append(f"{data['name']}.{df['fieldname']}: {label!r} {description!r}")
    code = [p for p in ROOT.glob("smooth*/**/*.py") if "patches" not in p.parts]  # a patch names the old spelling
    shipped = [*ROOT.glob("smooth*/**/*.json"), *ROOT.glob("smooth*/**/*.html"), *code, *ROOT.glob("docs/*.md")]
    found += [str(p.relative_to(ROOT)) for p in shipped if "cknowledgement" in p.read_text(encoding="utf-8")]
    assert not found, "\n".join(found)


def test_a_link_to_a_missing_record_offers_to_create_it_named_as_typed(pages: Api) -> None:
    """HR names a document type that does not exist yet: the refusal links to a new one, prefilled."""
    refused = pages.post("/app/compliance-type/new", user="Administrator", follow_redirects=False, data={
        "compliance_type": "Ladder Inspection", "renewal_period_months": "12", "document_type": "Ladder Permit"})
    assert refused.status_code == 417
    page = unescape(refused.text)
    assert "Could not find Evidence Document Type: Ladder Permit" in page
    offer = re.search(r'<a class="btn" href="([^"]+)" target="_blank" rel="noopener">Create Employee Document Type '
                      r'“Ladder Permit”</a>', page)
    assert offer, "no link to create the missing Employee Document Type"
    assert offer.group(1) == "/app/employee-document-type/new?document_type=Ladder+Permit"
    form = pages.get(offer.group(1), user="Administrator")
    assert re.search(r'name="document_type"[^>]*value="Ladder Permit"|value="Ladder Permit"[^>]*name="document_type"',
                     form.text)
