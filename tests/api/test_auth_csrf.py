"""CSRF: once a page (or get_csrf_token) has given a cookie session its token, the session's unsafe
requests must carry it in X-Frappe-CSRF-Token; a session that never had one is not asked (Frappe)."""

from __future__ import annotations

import re

import pytest

import smooth
from tests.api.auth_fixtures import PASSWORD, AuthSite
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


@pytest.mark.parametrize("login", ["/api/method/login", "cmd=login"])
def test_a_session_that_never_loaded_a_page_is_not_asked_for_the_token(auth: AuthSite, store: str,
                                                                       login: str) -> None:
    """As Frappe: an API client holding only the login cookie has no token to send."""
    add_user(auth.api, ANN, "Test Creator")
    client = auth.client()
    credentials = {"usr": ANN, "pwd": PASSWORD}
    logged_in = client.post("/", data={"cmd": "login", **credentials}) if login == "cmd=login" \
        else client.post(login, data=credentials)
    assert logged_in.status_code == 200 and "csrf_token" not in logged_in.json()
    response = client.post("/api/resource/Test Note", json={"title": "api client"})
    assert response.status_code == 200, response.text


def test_a_session_that_loaded_a_page_must_send_the_pages_token(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN, "Test Creator", "System Manager")
    client = auth.client()
    assert auth.login(client, ANN).status_code == 200
    assert client.post("/api/resource/Test Note", json={"title": "before the page"}).status_code == 200
    page = client.get("/app/test-note")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert page.status_code == 200 and token, page.text[:500]
    refused = client.post("/api/resource/Test Note", json={"title": "forged"})
    assert refused.status_code == 400 and refused.json()["exc_type"] == "CSRFTokenError"
    allowed = client.post("/api/resource/Test Note", json={"title": "mine"}, headers={HEADER: token.group(1)})
    assert allowed.status_code == 200, allowed.text
    assert _note_count(auth) == 2
