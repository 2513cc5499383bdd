"""Login, logout and get_logged_user over real HTTP, as Frappe clients see them."""

from __future__ import annotations

from urllib.parse import unquote

import smooth
from smooth.auth.sessions import DEFAULT_EXPIRY_SECONDS
from tests.api.auth_fixtures import PASSWORD, AuthSite, set_cookies
from tests.api.helpers import add_user, insert, server_messages, stored

ANN = "ann@example.com"


def test_login_with_form_fields_answers_like_frappe(auth: AuthSite) -> None:
    add_user(auth.api, ANN, "Test Reader")
    response = auth.login(auth.client(), "ann@example.com", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Logged In"
    assert body["home_page"] == "/app"
    assert body["full_name"] == "ann"
    assert "csrf_token" not in body  # Frappe's body: the token comes with a page (or get_csrf_token)


def test_login_accepts_a_json_body_and_any_case_of_the_email(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    response = auth.client().post("/api/method/login", json={"usr": "Ann@Example.com", "pwd": PASSWORD})
    assert response.status_code == 200 and response.json()["message"] == "Logged In"


def test_session_cookie_is_httponly_lax_and_lasts_the_session_expiry(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    cookies = set_cookies(auth.login(auth.client(), ANN))
    sid = cookies["sid"]
    assert len(sid.value) >= 32
    assert sid["httponly"] is True
    assert sid["samesite"].lower() == "lax"
    assert not sid["secure"]
    assert sid["path"] == "/"
    assert int(sid["max-age"]) == DEFAULT_EXPIRY_SECONDS


def test_session_cookie_is_secure_behind_an_https_proxy(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    auth.configure(session_expiry_seconds=900)
    response = auth.login(auth.client(), ANN, headers={"X-Forwarded-Proto": "https"})
    cookies = set_cookies(response)
    assert cookies["sid"]["secure"] is True
    assert int(cookies["sid"]["max-age"]) == 900
    assert all(cookies[name]["secure"] is True for name in ("system_user", "full_name", "user_id"))


def test_login_sets_frappes_informational_cookies(auth: AuthSite) -> None:
    add_user(auth.api, ANN, "Test Reader")  # a role with desk access: a System User
    cookies = set_cookies(auth.login(auth.client(), ANN))
    assert cookies["system_user"].value == "yes"
    assert unquote(cookies["full_name"].value) == "ann"
    assert unquote(cookies["user_id"].value) == ANN
    assert not cookies["user_id"]["httponly"]  # readable by the page's JavaScript, as in Frappe


def test_website_user_lands_on_the_website_home_page(auth: AuthSite) -> None:
    add_user(auth.api, "web@example.com")
    with auth.handle.context():
        smooth.db.set_value("User", "web@example.com", "user_type", "Website User")
        smooth.db.commit()
    response = auth.login(auth.client(), "web@example.com")
    assert response.status_code == 200
    assert response.json()["home_page"] == "/me"
    assert set_cookies(response)["system_user"].value == "no"


def test_wrong_password_is_401_with_frappes_message_and_no_session(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    response = auth.login(auth.client(), ANN, "wrong-password")
    assert response.status_code == 401
    body = response.json()
    assert body["exc_type"] == "AuthenticationError"
    assert body["message"] == "Invalid login credentials"
    assert server_messages(body)[-1]["message"] == "Invalid login credentials"
    assert "sid" not in set_cookies(response)


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(auth: AuthSite) -> None:
    response = auth.login(auth.client(), "nobody@example.com", "whatever")
    assert response.status_code == 401 and response.json()["message"] == "Invalid login credentials"


def test_missing_password_is_incomplete_login_details(auth: AuthSite) -> None:
    response = auth.client().post("/api/method/login", data={"usr": ANN})
    assert response.status_code == 401
    assert response.json()["message"] == "Incomplete login details"


def test_disabled_user_cannot_log_in(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    with auth.handle.context():
        smooth.db.set_value("User", ANN, "enabled", 0)
        smooth.db.commit()
    response = auth.login(auth.client(), ANN)
    assert response.status_code == 401
    assert response.json()["exc_type"] == "AuthenticationError"
    assert "disabled" in response.json()["message"]
    assert "sid" not in set_cookies(response)


def test_login_records_last_login(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    assert stored(auth.api, "User", ANN, "last_login") is None
    generation = auth.site.cache.generation()
    auth.login(auth.client(), ANN)
    assert stored(auth.api, "User", ANN, "last_login") is not None
    assert auth.site.cache.generation() == generation  # a login leaves every process's site cache standing


def test_login_is_post_only(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    response = auth.client().get("/api/method/login", params={"usr": ANN, "pwd": PASSWORD})
    assert response.status_code == 403 and "POST" in response.json()["exception"]


def test_get_logged_user_names_the_session_user(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    client, _ = auth.logged_in(ANN)
    assert client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": ANN}
    assert client.get("/api/method/smooth.auth.get_logged_user").json() == {"message": ANN}


def test_get_logged_user_is_403_for_guest(auth: AuthSite) -> None:
    response = auth.client().get("/api/method/frappe.auth.get_logged_user")
    assert response.status_code == 403
    assert response.json()["exc_type"] == "PermissionError"


def test_logout_ends_the_session_and_expires_the_cookies(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    client, csrf_token = auth.logged_in(ANN)
    sid = client.cookies["sid"]
    assert auth.session_stored(sid)
    response = client.post("/api/method/logout", headers={"X-Frappe-CSRF-Token": csrf_token})
    assert response.status_code == 200 and response.json() == {}
    cookies = set_cookies(response)
    for name in ("sid", "system_user", "full_name", "user_id"):
        assert cookies[name].value == "" and cookies[name]["max-age"] == "0", name
    assert not auth.session_stored(sid)
    replay = auth.client(cookies={"sid": sid})
    assert replay.get("/api/method/frappe.auth.get_logged_user").status_code == 403


def test_logging_in_again_replaces_the_previous_session(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    client, _ = auth.logged_in(ANN)
    first = client.cookies["sid"]
    assert auth.login(client, ANN).status_code == 200
    second = client.cookies["sid"]
    assert second != first
    assert not auth.session_stored(first) and auth.session_stored(second)


def test_unknown_sid_is_guest_and_the_cookie_is_cleared(auth: AuthSite, store: str) -> None:
    client = auth.client(cookies={"sid": "not-a-session"})
    response = client.get("/api/method/frappe.auth.get_logged_user")
    assert response.status_code == 403
    assert set_cookies(response)["sid"]["max-age"] == "0"
    assert client.get("/api/method/ping").json() == {"message": "pong"}


def test_guest_is_denied_protected_resources(auth: AuthSite) -> None:
    name = insert(auth.api, {"doctype": "Test Note", "title": "private"})
    guest = auth.client()
    for response in (guest.get("/api/resource/Test Note"),
                     guest.get(f"/api/resource/Test Note/{name}"),
                     guest.post("/api/resource/Test Note", json={"title": "by guest"}),
                     guest.get("/api/method/frappe.client.get_count", params={"doctype": "Test Note"})):
        assert response.status_code == 403, response.request.url
        assert response.json()["exc_type"] == "PermissionError"
        assert "private" not in response.text


def test_a_disabled_users_session_stops_working(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    client, _ = auth.logged_in(ANN)
    with auth.handle.context():
        smooth.db.set_value("User", ANN, "enabled", 0)
        smooth.db.commit()
    response = client.get("/api/method/frappe.auth.get_logged_user")
    assert response.status_code == 403
    assert set_cookies(response)["sid"]["max-age"] == "0"
