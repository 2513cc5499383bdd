"""A Notification previewed against a record from its form; the in-app channel's notices in the portal nav and
list (and the desk nav) of the user they are for, and nobody else's, over the pages and the REST API; Notifications
over REST, checked as in the form and for System Managers only.

SQLite only: pages and a record rule, nothing here differs between the databases.
"""

from __future__ import annotations

import html
import re

import pytest

import smooth
from tests.api.helpers import Api, add_user, insert, stored
from tests.hr.conftest import make_employee

LEARNER, OTHER, CLERK = "lea@example.com", "otto@example.com", "clerk@example.com"


@pytest.fixture
def site(pages: Api) -> Api:
    """The served site, emptied around the test (its Notifications and notices too)."""
    return pages


def test_a_notification_previews_against_a_record_of_its_doctype(site: Api) -> None:
    with site.handle.context():
        employee = make_employee("Pia", last_name="Probation", probation_end_date=smooth.today())
        smooth.db.commit()
    insert(site, {"doctype": "Notification", "name": "Probation review", "document_type": "Employee",
                  "event": "Days Before", "date_changed": "probation_end_date", "days_in_advance": 14,
                  "condition": 'doc.status == "Left"', "recipients": [{"cc": "hr@example.com"}],
                  "subject": "{{ doc.employee_name }} ends probation", "message": "<b>{{ doc.status }}</b>"})
    form = site.get("/app/notification/Probation%20review").text
    key = re.search(r'name="action" value="(button:\d+)"[^>]*>Preview<', form)
    assert key, "the form offers Preview"
    modified = html.unescape(re.search(r'name="modified" value="([^"]*)"', form).group(1))  # type: ignore[union-attr]
    opened = site.post("/app/notification/Probation%20review", data={"action": key.group(1), "modified": modified},
                       follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/app/notification/Probation%20review/preview"
    shown = site.get(opened.headers["location"], params={"docname": employee})
    assert shown.status_code == 200, shown.text[:500]
    assert '<span id="preview-subject">Pia Probation ends probation</span>' in shown.text
    assert ("The condition does not hold: nothing would be sent; recipients: hr@example.com" in
            html.unescape(shown.text))
    assert "&lt;b&gt;Active&lt;/b&gt;" in shown.text  # the message, in the sandboxed frame


def test_in_app_notices_reach_their_user_in_the_portal_and_nobody_else(site: Api) -> None:
    add_user(site, LEARNER, "LMS Student")
    add_user(site, OTHER, "LMS Student")
    mine = insert(site, {"doctype": "Notification Log", "subject": "Your course starts Monday", "for_user": LEARNER,
                         "email_content": "<p>Bring boots</p>"})
    theirs = insert(site, {"doctype": "Notification Log", "subject": "Not for Lea", "for_user": OTHER})
    home = site.get("/lms", user=LEARNER).text
    assert '<a class="desk-notices" href="/notifications">Notifications <span class="indicator red">1</span></a>' \
        in home
    listed = site.get("/notifications", user=LEARNER)
    assert listed.status_code == 200 and "Your course starts Monday" in listed.text and "Bring boots" in listed.text
    assert "Not for Lea" not in listed.text
    rest = site.list("Notification Log", user=LEARNER, fields=["name", "subject"])
    assert [row["name"] for row in rest.json()["data"]] == [mine]
    assert site.get(f"/api/resource/Notification Log/{theirs}", user=LEARNER).status_code == 403
    site.put(f"/api/resource/Notification Log/{mine}", user=LEARNER, json={"subject": "Rewritten"})
    assert stored(site, "Notification Log", mine, "subject") == "Your course starts Monday"  # only `read` is theirs
    read = site.put(f"/api/resource/Notification Log/{mine}", user=LEARNER, json={"read": 1})
    assert read.status_code == 200 and read.json()["data"]["read"] == 1
    insert(site, {"doctype": "Notification Log", "subject": "Second", "for_user": LEARNER})
    marked = site.post("/notifications", user=LEARNER, data={}, follow_redirects=False)
    assert marked.status_code == 303
    assert "desk-notices" not in site.get("/lms", user=LEARNER).text
    assert site.get("/notifications", user="Guest").status_code in (302, 303, 403)


def test_a_desk_user_without_system_manager_sees_their_own_notices_in_the_desk_nav(site: Api) -> None:
    add_user(site, CLERK, "HR User")
    insert(site, {"doctype": "Notification Log", "subject": "Probation review due", "for_user": CLERK})
    insert(site, {"doctype": "Notification Log", "subject": "Someone else's", "for_user": "Administrator"})
    nav = site.get("/app", user=CLERK).text
    assert 'href="/app/notification-log?for_user=clerk%40example.com&amp;read=0">Notifications ' \
           '<span class="indicator red">1</span>' in nav
    listed = site.get("/app/notification-log", user=CLERK).text
    assert "Probation review due" in listed and "Someone else" not in listed


def test_notifications_over_rest_are_checked_and_for_system_managers(site: Api) -> None:
    add_user(site, CLERK, "HR User")
    body = {"name": "Over REST", "document_type": "Employee", "event": "Value Change", "value_changed": "status",
            "subject": "{{ doc.employee_name }} is {{ doc.status", "recipients": [{"receiver_by_role": "HR User"}]}
    refused = site.post("/api/resource/Notification", json=body)
    assert refused.status_code == 417 and "Subject, line 1" in refused.text, refused.text[:300]
    body["subject"] = "{{ doc.employee_name }} is {{ doc.status }}"
    assert site.post("/api/resource/Notification", json=body, user=CLERK).status_code == 403
    made = site.post("/api/resource/Notification", json=body)
    assert made.status_code == 200, made.text[:300]
    assert made.json()["data"]["recipients"][0]["receiver_by_role"] == "HR User"
