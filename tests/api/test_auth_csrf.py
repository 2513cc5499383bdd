"""CSRF: a cookie session's unsafe requests must carry the session's X-Frappe-CSRF-Token."""

from __future__ import annotations

import pytest

import smooth
from tests.api.auth_fixtures import AuthSite
from tests.api.helpers import add_user, insert, stored

ANN = "ann@example.com"
HEADER = "X-Frappe-CSRF-Token"


def _note_count(auth: AuthSite) -> int:
    with auth.handle.context():
        return int(smooth.db.count("Test Note"))


def test_cookie_post_without_csrf_token_is_400_and_writes_nothing(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN, "Test Creator")
    client, _ = auth.logged_in(ANN)
    response = client.post("/api/resource/Test Note", json={"title": "forged"})
    assert response.status_code == 400
    body = response.json()
    assert body["exc_type"] == "CSRFTokenError"
    assert "Invalid Request" in body["exception"] and HEADER in body["exception"]
    assert _note_count(auth) == 0


def test_cookie_post_with_a_wrong_csrf_token_is_400(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN, "Test Creator")
    client, token = auth.logged_in(ANN)
    response = client.post("/api/resource/Test Note", json={"title": "forged"}, headers={HEADER: token[::-1]})
    assert response.status_code == 400 and response.json()["exc_type"] == "CSRFTokenError"
    assert "does not match" in response.json()["exception"]
    assert _note_count(auth) == 0


def test_another_sessions_token_does_not_fit(auth: AuthSite) -> None:
    add_user(auth.api, ANN, "Test Creator")
    client, _ = auth.logged_in(ANN)
    _other, other_token = auth.logged_in(ANN)
    response = client.post("/api/resource/Test Note", json={"title": "x"}, headers={HEADER: other_token})
    assert response.status_code == 400


def test_cookie_post_with_the_sessions_token_succeeds(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN, "Test Creator")
    client, token = auth.logged_in(ANN)
    response = client.post("/api/resource/Test Note", json={"title": "mine"}, headers={HEADER: token})
    assert response.status_code == 200, response.text
    assert stored(auth.api, "Test Note", response.json()["data"]["name"], "owner") == ANN


def test_csrf_token_may_come_as_a_form_field(auth: AuthSite) -> None:
    add_user(auth.api, ANN, "Test Creator")
    client, token = auth.logged_in(ANN)
    response = client.post("/api/method/frappe.client.insert",
                           data={"doc": '{"doctype": "Test Note", "title": "form"}', "csrf_token": token})
    assert response.status_code == 200, response.text
    assert _note_count(auth) == 1


@pytest.mark.parametrize("verb", ["PUT", "DELETE"])
def test_put_and_delete_need_the_token_too(auth: AuthSite, verb: str) -> None:
    add_user(auth.api, ANN, "Test Writer")
    name = insert(auth.api, {"doctype": "Test Note", "title": "own"}, user=ANN)
    client, token = auth.logged_in(ANN)
    kwargs = {"json": {"title": "changed"}} if verb == "PUT" else {}
    refused = client.request(verb, f"/api/resource/Test Note/{name}", **kwargs)
    assert refused.status_code == 400 and refused.json()["exc_type"] == "CSRFTokenError"
    assert stored(auth.api, "Test Note", name, "title") == "own"
    allowed = client.request(verb, f"/api/resource/Test Note/{name}", headers={HEADER: token}, **kwargs)
    assert allowed.status_code in (200, 202), allowed.text


def test_reads_need_no_token(auth: AuthSite) -> None:
    add_user(auth.api, ANN, "Test Reader")
    insert(auth.api, {"doctype": "Test Note", "title": "readable"})
    client, _ = auth.logged_in(ANN)
    assert client.get("/api/resource/Test Note").status_code == 200


def test_session_can_fetch_its_csrf_token(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    client, token = auth.logged_in(ANN)
    assert client.get("/api/method/smooth.auth.get_csrf_token").json() == {"message": token}
    assert auth.client().get("/api/method/smooth.auth.get_csrf_token").status_code == 403


def test_ignore_csrf_site_config_turns_the_check_off(auth: AuthSite) -> None:
    add_user(auth.api, ANN, "Test Creator")
    auth.configure(ignore_csrf=True)
    client, _ = auth.logged_in(ANN)
    assert client.post("/api/resource/Test Note", json={"title": "no token"}).status_code == 200


def test_logging_in_again_over_a_live_session_needs_no_token(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    client, _ = auth.logged_in(ANN)
    assert auth.login(client, ANN).status_code == 200
