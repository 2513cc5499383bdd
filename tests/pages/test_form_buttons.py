"""Doctype form buttons (`<doctype>_form.json`): shown by condition and role, re-checked when pressed.

The LMS flow uses them: the evaluator records the evaluation from the request, passes the learner,
and issues the certificate from the evaluation.
"""

from __future__ import annotations

import html
import re

import smooth
from tests.api.helpers import Api
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started

EVA, LEARNER = "eva@example.com", "lee@example.com"


def _buttons(page: str) -> dict[str, str]:
    return {html.unescape(label): key for key, label in
            re.findall(r'name="action" value="(button:\d+)"[^>]*>([^<]+)</button>', page)}


def _modified(page: str) -> str:
    found = re.search(r'name="modified" value="([^"]*)"', page)
    assert found
    return html.unescape(found.group(1))


def test_evaluator_records_pass_and_issues_from_the_desk(pages: Api) -> None:
    with pages.handle.context():
        course = make_course("Hoist Safety")
        make_evaluator(EVA, [course])
        make_learner(LEARNER, course)
        request = book(LEARNER, course, next_weekday(0), "09:00").name
        slot_started(request)  # an evaluation happens once its slot has come
        smooth.db.commit()
    url = f"/app/lms-certificate-request/{request}"
    page = pages.get(url, user=EVA).text
    buttons = _buttons(page)
    assert "Record Evaluation" in buttons and "Issue Certificate" not in buttons  # still Pending
    assert _buttons(pages.get(url, user=LEARNER).text) == {}  # not the learner's buttons
    refused = pages.post(url, user=EVA, data={"action": "workflow:Issue Certificate", "modified": _modified(page)},
                         follow_redirects=False)
    assert refused.status_code == 417 and "not a workflow action from Pending" in refused.text
    moved = pages.post(url, user=EVA, data={"action": buttons["Record Evaluation"], "modified": _modified(page)},
                       follow_redirects=False)
    assert moved.status_code == 200, moved.text[:500]
    evaluation_url = _saved_url(moved.text)  # the evaluation is shown, its address replacing the post's
    assert evaluation_url.startswith("/app/lms-certificate-evaluation/")
    assert re.search(rf'role="status">Record Evaluation: LMS Certificate Evaluation <a href="{evaluation_url}">',
                     moved.text)
    form = pages.get(evaluation_url, user=EVA).text
    saved = pages.post(evaluation_url, user=EVA, data={"status": "Pass", "summary": "Safe and steady",
                                                       "modified": _modified(form), "action": "save"},
                       follow_redirects=False)
    assert saved.status_code == 303, saved.text[:800]
    with pages.handle.context():
        assert smooth.db.get_value("LMS Certificate Request", request, "status") == "Completed"
    form = pages.get(evaluation_url, user=EVA).text
    issued = pages.post(evaluation_url, user=EVA, data={"action": _buttons(form)["Issue Certificate"],
                                                        "modified": _modified(form)}, follow_redirects=False)
    assert issued.status_code == 200 and _saved_url(issued.text).startswith("/app/lms-certificate/")
    with pages.handle.context():
        cert = smooth.get_all("LMS Certificate", filters={"member": LEARNER}, fields=["name", "certificate_number"])
        assert len(cert) == 1
    assert _issued(cert[0]["name"], cert[0]["certificate_number"], issued.text)
    # the certificate exists: neither the evaluation nor the request offers to issue it again
    assert "Issue Certificate" not in _buttons(pages.get(evaluation_url, user=EVA).text)
    assert 'value="workflow:Issue Certificate"' not in pages.get(url, user=EVA).text


def _issued(cert: str, number: str, page: str) -> bool:
    """The message says the certificate was issued, linking to it."""
    return re.search(f'Certificate <a href="/app/lms-certificate/{cert}"[^>]*>{number}</a> issued', page) is not None


def _saved_url(page: str) -> str:
    found = re.search(r'data-saved-url="([^"]+)"', page)
    assert found, page[:2000]
    return html.unescape(found.group(1))


def test_workflow_actions_say_what_they_did(pages: Api) -> None:
    with pages.handle.context():
        course = make_course("Hoist Safety")
        make_evaluator(EVA, [course])
        make_learner(LEARNER, course)
        request = book(LEARNER, course, next_weekday(0), "09:00").name
        slot_started(request)
        smooth.db.commit()
    url = f"/app/lms-certificate-request/{request}"
    page = pages.get(url, user=EVA).text
    done = pages.post(url, user=EVA, data={"action": "workflow:Complete", "modified": _modified(page)},
                      follow_redirects=False)
    assert done.status_code == 200 and _saved_url(done.text) == url
    assert 'role="status">Complete: Status changed from Pending to Completed<' in done.text
    issued = pages.post(url, user=EVA, data={"action": "workflow:Issue Certificate",
                                             "modified": _modified(done.text)}, follow_redirects=False)
    assert issued.status_code == 200, issued.text[:2000]
    with pages.handle.context():
        cert = smooth.db.get_value("LMS Certificate Request", request, "certificate")
        number = smooth.db.get_value("LMS Certificate", cert, "certificate_number")
    assert _issued(cert, number, issued.text)
    assert 'value="workflow:Issue Certificate"' not in issued.text


def test_a_button_asks_for_its_arguments(pages: Api) -> None:
    with pages.handle.context():
        smooth.get_doc({"doctype": "User", "email": "mod@example.com", "first_name": "Mod",
                        "roles": [{"role": "Moderator"}]}).insert()
        course = make_course("Rope Access")
        make_learner(LEARNER, course)
        cert = smooth.get_doc({"doctype": "LMS Certificate", "member": LEARNER, "course": course,
                               "issue_date": smooth.today()}).insert().name
        smooth.db.commit()
    url = f"/app/lms-certificate/{cert}"
    page = pages.get(url, user="mod@example.com").text
    revoke = _buttons(page)["Revoke"]
    assert 'name="reason" required' in page
    assert "Revoke" not in _buttons(pages.get(url, user=LEARNER).text)
    missing = pages.post(url, user="mod@example.com", data={"action": revoke, "reason": " "},
                         follow_redirects=False)
    assert missing.status_code == 417 and "Reason for revoking is required" in missing.text
    done = pages.post(url, user="mod@example.com", data={"action": revoke, "reason": "Wrong person",
                                                         "revoked": "0"}, follow_redirects=False)
    assert done.status_code == 200 and "revoked: its verification page says so" in done.text
    with pages.handle.context():
        row = smooth.db.get_value("LMS Certificate", cert, ["revoked", "revoked_reason"], as_dict=True)
        assert row == {"revoked": 1, "revoked_reason": "Wrong person"}
    assert "Revoke" not in _buttons(pages.get(url, user="mod@example.com").text)


def test_workflow_state_message_issue_button_and_dont_override_status(pages: Api) -> None:
    with pages.handle.context():
        course = make_course("Crane Signals")
        make_evaluator(EVA, [course])
        make_learner(LEARNER, course)
        request = book(LEARNER, course, next_weekday(0), "10:00").name
        smooth.db.commit()
    url = f"/app/lms-certificate-request/{request}"
    page = html.unescape(pages.get(url, user=EVA).text)
    assert "Waiting for the evaluation slot." in page  # the Pending state's message
    assert 'value="workflow:Issue Certificate"' not in page
    assert 'title="Workflow state">Pending<' in page
    with pages.handle.context():
        smooth.db.set_value("LMS Certificate Request", request, "status", "Completed")
        smooth.db.set_value("Workflow", "LMS Certificate Request", "override_status", 1)
        smooth.db.commit()
    try:
        page = html.unescape(pages.get(url, user=EVA).text)
        assert "the evaluator issues it with Issue Certificate" in page  # the Completed state's message
        assert 'value="workflow:Issue Certificate"' in page
        assert 'title="Workflow state"' not in page  # "Don't Override Status": no workflow indicator
    finally:
        with pages.handle.context():
            smooth.db.set_value("Workflow", "LMS Certificate Request", "override_status", 0)
            smooth.db.commit()
