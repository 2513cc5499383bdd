"""What a write may store: fields read only to a user are ignored on every write door, for every doctype
and role (issue 29, item 2); URL-ish fields hold only http(s), mailto or site files, and pages link
nothing else (item 3).

App-level rules with no dialect difference: SQLite only. The walk over the metadata calls the
functions every door goes through (`new_document` for inserts, `apply_update` for updates); the
learner's case goes over HTTP with the learner's own API token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import smooth
from smooth.api.client import apply_update, new_document
from smooth.meta.doctype import DocField
from smooth.model.user_writes import user_may_write
from smooth.permissions import role_rights
from smooth.safe_urls import is_safe_url
from tests.api.serving import running_server
from tests.conftest import SiteHandle, make_user
from tests.hr.conftest import make_employee
from tests.lms.conftest import book, clean, lms_site, make_course, make_evaluator, make_learner, next_weekday  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_ROLES = [r["role_name"] for r in json.loads((REPO_ROOT / "fixtures" / "role.json").read_text())]
SENT = "user-sent value"


def _read_only(meta: Any) -> list[DocField]:
    return [f for f in meta.value_fields if not user_may_write(f, {})]


@pytest.fixture(scope="module")
def roles_site(lms_site: SiteHandle) -> Iterator[SiteHandle]:  # noqa: F811
    """One user per shipped role (the learner's case adds its own records)."""
    clean(lms_site)
    with lms_site.context():
        for role in SHIPPED_ROLES:
            make_user(f"{role.lower().replace(' ', '.')}@roles.example.com", role)
    yield lms_site
    clean(lms_site)


@pytest.mark.parametrize("role", SHIPPED_ROLES + ["Administrator"])
def test_no_role_writes_a_read_only_field_of_any_doctype(roles_site: SiteHandle, role: str) -> None:
    user = "Administrator" if role == "Administrator" else f"{role.lower().replace(' ', '.')}@roles.example.com"
    walked = 0
    with roles_site.context(user=user):
        for meta in smooth.local.site.registry:
            if meta.istable:
                continue
            granted, owner_only = role_rights(meta, user)
            rights = granted | owner_only
            if user != "Administrator" and not rights & {"create", "write"}:
                continue
            tables = [(t, smooth.get_meta(t.options)) for t in meta.table_fields if user_may_write(t, {})]
            for field in _read_only(meta):
                doc = new_document(meta.name, {field.fieldname: SENT})
                assert doc.get(field.fieldname) != SENT, f"{role} inserted {meta.name}.{field.fieldname}"
                stored = smooth.new_doc(meta.name)
                before = stored.get(field.fieldname)
                apply_update(stored, {field.fieldname: SENT})
                assert stored.get(field.fieldname) == before, f"{role} updated {meta.name}.{field.fieldname}"
                walked += 1
            for table, child in tables:
                for field in _read_only(child):
                    doc = new_document(meta.name, {table.fieldname: [{field.fieldname: SENT}]})
                    assert doc.get(table.fieldname)[0].get(field.fieldname) != SENT, \
                        f"{role} wrote {meta.name}.{table.fieldname}[].{field.fieldname}"
                    walked += 1
    assert walked > 0


def test_a_state_dependent_or_higher_level_field_is_closed() -> None:
    status = {"status": "Closed"}
    closed_when = DocField({"fieldname": "reason", "fieldtype": "Data",
                            "read_only_depends_on": "eval:doc.status=='Closed'"})
    assert not user_may_write(closed_when, status, "a@example.com")
    assert user_may_write(closed_when, {"status": "Open"}, "a@example.com")
    level_one = DocField({"fieldname": "salary", "fieldtype": "Currency", "permlevel": 1})
    assert not user_may_write(level_one, {}, "a@example.com")
    assert user_may_write(level_one, {}, "Administrator")
    assert not user_may_write(DocField({"fieldname": "x", "fieldtype": "Read Only"}), {}, "Administrator")


def test_a_kept_row_keeps_its_stored_read_only_values(roles_site: SiteHandle) -> None:
    with roles_site.context():
        employee = make_employee("Rowan")
        doc = smooth.get_doc({"doctype": "Employee Onboarding", "employee": employee, "activities": [
            {"activity_name": "Sign the handbook", "kind": "Task"}]}).insert()
        row = doc.activities[0]
        row.db_set("signed_name", "Rowan Stored", update_modified=False)
        smooth.db.commit()
    with roles_site.context(user="hr.manager@roles.example.com"):
        doc = smooth.get_doc("Employee Onboarding", doc.name)
        apply_update(doc, {"activities": [{"name": row.name, "activity_name": "Sign the handbook", "kind": "Task",
                                           "signed_name": "Forged"},
                                          {"activity_name": "New one", "kind": "Task", "signed_name": "Forged"}]})
        assert [r.signed_name for r in doc.activities] == ["Rowan Stored", None]


# -- the learner's own booking, over HTTP --------------------------------------------------------------

LEARNER_FIELDS = {
    "google_meet_link": "javascript:alert(1)", "member_name": "Someone Else", "course_title": "Forged Course",
    "evaluator_name": "Forged Evaluator", "meet_status": "Created", "google_calendar_event_id": "evil-event",
    "cutoff_override_reason": "because", "batch_title": "Forged Batch",
}


@pytest.fixture(scope="module")
def booking(roles_site: SiteHandle) -> Iterator[tuple[str, str, str, str]]:
    with roles_site.context():
        course = make_course("Read Only Basics")
        make_evaluator("eva.ro@example.com", [course], [("Monday", "09:00", "12:00")])
        make_learner("lea.ro@example.com", course)
        request = book("lea.ro@example.com", course, next_weekday(0), "09:00").name
        key, secret = smooth.get_doc("User", "lea.ro@example.com").generate_api_credentials()
        smooth.db.commit()
    with running_server(roles_site) as url:
        yield url, request, key, secret


def test_a_learner_cannot_write_read_only_fields_of_their_booking(roles_site: SiteHandle,
                                                                  booking: tuple[str, str, str, str]) -> None:
    url, request, key, secret = booking
    with roles_site.context():
        before = smooth.get_doc("LMS Certificate Request", request).as_dict()
    auth = {"Authorization": f"token {key}:{secret}"}
    with httpx.Client(base_url=url, headers=auth, timeout=30) as http:
        for field, value in LEARNER_FIELDS.items():
            response = http.put(f"/api/resource/LMS Certificate Request/{request}", json={field: value})
            assert response.status_code == 200, response.text[:300]
            assert response.json()["data"].get(field) == before[field], field
        response = http.post("/api/method/frappe.client.set_value", json={
            "doctype": "LMS Certificate Request", "name": request, "fieldname": json.dumps(LEARNER_FIELDS)})
        assert response.status_code == 200, response.text[:300]
        response = http.put(f"/api/resource/LMS Certificate Request/{request}", json={"notes": "see you"})
        assert response.json()["data"]["notes"] == "see you"  # a writable field still is
        page = http.get(f"/lms/evaluations/{request}")
        assert page.status_code == 200 and "javascript:" not in page.text
    with roles_site.context():
        after = smooth.get_doc("LMS Certificate Request", request)
        assert {f: after.get(f) for f in LEARNER_FIELDS} == {f: before[f] for f in LEARNER_FIELDS}


# -- URL-ish values ------------------------------------------------------------------------------------

SAFE = ["https://meet.google.com/abc-defg-hij", "http://example.com/x?y=1", "mailto:hr@example.com",
        "/files/logo.png", "/private/files/id.pdf?fid=3"]
UNSAFE = ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,<b>x</b>",
          "vbscript:x", "//evil.example/files/x", "/app/user", "files/x.png", "https://", "http:\\\\evil.example",
          "/files/../site_config.json", "ftp://example.com/x", "mailto:", ""]


def test_only_web_mail_and_site_file_urls_are_safe() -> None:
    assert [u for u in SAFE if not is_safe_url(u)] == []
    assert [u for u in UNSAFE if is_safe_url(u)] == []


def test_url_fields_refuse_other_schemes_and_pages_never_link_them(roles_site: SiteHandle,
                                                                   booking: tuple[str, str, str, str]) -> None:
    url, request, _key, _secret = booking
    with roles_site.context():
        course = make_course("Linked image", image="/files/course.png")
        chapter = smooth.get_doc({"doctype": "Course Chapter", "title": "One", "course": course}).insert().name
        for doctype, values in (("LMS Course", {"title": "Bad image", "image": "javascript:alert(1)"}),
                                ("Course Lesson", {"title": "Bad file", "chapter": chapter, "course": course,
                                                   "file": "data:text/html,x"})):
            with pytest.raises(smooth.ValidationError, match="must be an http"):
                smooth.get_doc({"doctype": doctype, **values}).insert()
        with pytest.raises(smooth.ValidationError, match="Google Meet Link must be an http"):
            doc = smooth.get_doc("LMS Certificate Request", request)
            doc.google_meet_link = "javascript:alert(1)"
            doc.save()
        smooth.db.rollback()
        course = make_course("Linked image", image="/files/course.png")
        # a value stored before these checks (or written around them) is still never made a link
        smooth.db.set_value("LMS Course", course, "image", "javascript:alert(2)")
        smooth.db.set_value("LMS Certificate Request", request, "google_meet_link", "javascript:alert(3)")
        smooth.db.commit()
    with httpx.Client(base_url=url, timeout=30) as http:
        auth = {"Authorization": f"token {_key}:{_secret}"}
        page = http.get(f"/lms/evaluations/{request}", headers=auth)
        assert page.status_code == 200 and "javascript:" not in page.text and "Join the Google Meet" not in page.text
    with roles_site.context():
        key, secret = smooth.get_doc("User", "Administrator").generate_api_credentials()
        smooth.db.commit()
    with httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"token {key}:{secret}"}) as http:
        form = http.get(f"/app/lms-course/{course}")
        assert form.status_code == 200 and 'href="javascript:' not in form.text and "javascript:alert(2)" in form.text
