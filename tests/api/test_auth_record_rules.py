"""Record rules over real authentication: a Test Student logged in with a cookie (or an API key)
sees only their own Test Record rows on every read path."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import smooth
from tests.api.auth_fixtures import AuthSite
from tests.api.helpers import add_user, insert, stored

ANN, BOB = "ann@example.com", "bob@example.com"


@pytest.fixture
def records(auth: AuthSite) -> dict[str, str]:
    add_user(auth.api, ANN, "Test Student")
    add_user(auth.api, BOB, "Test Student")
    return {
        "ann": insert(auth.api, {"doctype": "Test Record", "title": "Ann's", "member": ANN, "score": 10,
                                 "status": "Completed"}),
        "bob": insert(auth.api, {"doctype": "Test Record", "title": "Bob's", "member": BOB, "score": 99,
                                 "status": "Pending"}),
    }


def _get(client: httpx.Client, path: str, **params: Any) -> httpx.Response:
    query = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in params.items()}
    return client.get(path, params=query)


def test_logged_in_student_lists_only_own_rows(auth: AuthSite, store: str, records: dict[str, str]) -> None:
    ann, _ = auth.logged_in(ANN)
    rows = _get(ann, "/api/resource/Test Record", fields=["name", "member"]).json()
    assert rows == {"data": [{"name": records["ann"], "member": ANN}]}
    assert _get(ann, "/api/resource/Test Record", filters={"member": BOB}).json() == {"data": []}


def test_logged_in_student_counts_only_own_rows(auth: AuthSite, store: str, records: dict[str, str]) -> None:
    ann, _ = auth.logged_in(ANN)
    assert _get(ann, "/api/method/frappe.client.get_count", doctype="Test Record").json() == {"message": 1}
    assert _get(ann, "/api/method/frappe.client.get_count", doctype="Test Record",
                filters={"member": BOB}).json() == {"message": 0}


def test_logged_in_student_get_value_reveals_nothing_of_others(auth: AuthSite, store: str,
                                                               records: dict[str, str]) -> None:
    ann, _ = auth.logged_in(ANN)
    for filters in (records["bob"], {"member": BOB}):
        response = _get(ann, "/api/method/frappe.client.get_value", doctype="Test Record",
                        fieldname=["title", "score"], filters=filters)
        assert response.json() == {"message": {}}, filters
    own = _get(ann, "/api/method/frappe.client.get_value", doctype="Test Record", fieldname=["title"],
               filters=records["ann"])
    assert own.json() == {"message": {"title": "Ann's"}}


def test_logged_in_student_reads_own_record_and_not_anothers(auth: AuthSite, store: str,
                                                             records: dict[str, str]) -> None:
    ann, _ = auth.logged_in(ANN)
    assert ann.get(f"/api/resource/Test Record/{records['ann']}").json()["data"]["title"] == "Ann's"
    response = ann.get(f"/api/resource/Test Record/{records['bob']}")
    assert response.status_code == 403 and response.json()["exc_type"] == "PermissionError"
    assert "Bob's" not in response.text


def test_logged_in_student_cannot_write_anothers_record_even_with_a_csrf_token(
        auth: AuthSite, records: dict[str, str]) -> None:
    ann, token = auth.logged_in(ANN)
    response = ann.put(f"/api/resource/Test Record/{records['bob']}", json={"score": 0},
                       headers={"X-Frappe-CSRF-Token": token})
    assert response.status_code == 403
    assert stored(auth.api, "Test Record", records["bob"], "score") == 99


def test_api_key_of_a_student_sees_the_same_rows_as_their_session(auth: AuthSite, records: dict[str, str]) -> None:
    with auth.handle.context():
        key, secret = smooth.get_doc("User", BOB).generate_api_credentials()
        smooth.db.commit()
    bob = auth.client(headers={"Authorization": f"token {key}:{secret}"})
    rows = _get(bob, "/api/resource/Test Record", fields=["name"]).json()
    assert rows == {"data": [{"name": records["bob"]}]}
    assert bob.get(f"/api/resource/Test Record/{records['ann']}").status_code == 403
