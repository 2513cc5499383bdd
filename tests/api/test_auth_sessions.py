"""Where sessions live (database table or Redis) and how they expire when idle."""

from __future__ import annotations

import hashlib
import time

import redis
from sqlalchemy import select

import smooth
from smooth.auth.sessions import TABLE
from tests.api.auth_fixtures import AuthSite, redis_test_url, set_cookies
from tests.api.helpers import add_user, insert
from tests.core._mini_app import recorded_sql

ANN = "ann@example.com"


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _session_rows(auth: AuthSite) -> list[dict[str, object]]:
    with auth.handle.context():
        table = smooth.local.site.table(TABLE)
        return [dict(row) for row in smooth.db.execute(select(table)).mappings()]


def test_without_redis_the_session_is_a_database_row_keyed_by_a_hash_of_the_sid(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    client, csrf_token = auth.logged_in(ANN)
    sid = client.cookies["sid"]
    rows = _session_rows(auth)
    assert len(rows) == 1
    assert rows[0]["sid"] == _digest(sid) and rows[0]["user"] == ANN and rows[0]["csrf_token"] == csrf_token
    assert sid not in str(rows[0])


def test_with_redis_url_the_session_is_a_redis_key_that_expires_when_idle(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    auth.configure(session_expiry_seconds=1200, redis_url=redis_test_url())
    client, _ = auth.logged_in(ANN)
    sid = client.cookies["sid"]
    assert _session_rows(auth) == []
    server = redis.Redis.from_url(redis_test_url(), decode_responses=True)
    try:
        key = f"smooth:{auth.handle.name}:session:{_digest(sid)}"
        assert ANN in server.get(key)
        assert 1190 <= server.ttl(key) <= 1200
        assert not list(server.scan_iter(match=f"*{sid}*"))
    finally:
        server.close()
    assert client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": ANN}


def test_a_session_idle_longer_than_the_expiry_is_gone(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    auth.configure(session_expiry_seconds=2)  # 2 s, not 1: a loaded CI machine can take 1 s to log in
    client, _ = auth.logged_in(ANN)
    sid = client.cookies["sid"]
    assert client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": ANN}
    time.sleep(2.6)
    replay = auth.client(cookies={"sid": sid})  # the browser dropped it (Max-Age); a replayed copy must fail too
    response = replay.get("/api/method/frappe.auth.get_logged_user")
    assert response.status_code == 403
    assert set_cookies(response)["sid"]["max-age"] == "0"
    assert not auth.session_stored(sid)


def test_requests_keep_a_session_alive_past_its_expiry(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    auth.configure(session_expiry_seconds=2)
    client, _ = auth.logged_in(ANN)
    started = time.monotonic()
    refreshed = False
    while time.monotonic() - started < 3.5:
        time.sleep(0.5)
        response = client.get("/api/method/frappe.auth.get_logged_user")
        assert response.json() == {"message": ANN}, f"session lost after {time.monotonic() - started:.1f}s"
        cookie = set_cookies(response).get("sid")
        if cookie is not None:
            assert int(cookie["max-age"]) == 2 and cookie["httponly"] is True
            refreshed = True
    assert refreshed, "an active session must re-send its cookie so the browser keeps it"


def test_expiry_comes_from_site_config_for_new_sessions(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    auth.configure(session_expiry_seconds=60)
    response = auth.login(auth.client(), ANN)
    assert int(set_cookies(response)["sid"]["max-age"]) == 60


def test_a_bad_session_expiry_setting_is_a_clear_error(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    auth.configure(session_expiry_seconds="six hours")
    response = auth.login(auth.client(), ANN)
    assert response.status_code == 417
    assert "session_expiry_seconds" in response.json()["exception"]


def test_sessions_of_different_users_stay_apart(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    add_user(auth.api, "bob@example.com")
    ann, _ = auth.logged_in(ANN)
    bob, _ = auth.logged_in("bob@example.com")
    assert ann.get("/api/method/frappe.auth.get_logged_user").json() == {"message": ANN}
    assert bob.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "bob@example.com"}


def test_an_unreachable_redis_is_a_clear_503_not_a_crash(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    auth.configure(redis_url="redis://127.0.0.1:1/0")
    response = auth.login(auth.client(), ANN)
    assert response.status_code == 503
    assert "session store (Redis) is not reachable" in response.json()["exception"]
    assert "127.0.0.1:1" not in response.text
    stale = auth.client(cookies={"sid": "some-session"})
    assert stale.get("/api/method/frappe.auth.get_logged_user").status_code == 503
    assert auth.client().get("/api/method/ping").json() == {"message": "pong"}  # guests do not need Redis


def test_a_cookie_request_reads_its_session_user_and_roles_in_one_statement(auth: AuthSite) -> None:
    """Every cookie request pays for this lookup: the session, whether its user is enabled, their roles."""
    add_user(auth.api, ANN, "Test Reader")
    name = insert(auth.api, {"doctype": "Test Note", "title": "shared"})
    client, _ = auth.logged_in(ANN)
    with recorded_sql(auth.handle) as statements:
        assert client.get(f"/api/resource/Test Note/{name}").status_code == 200
    lookups = [s for s in statements if TABLE in s or "tabHas Role" in s]
    assert len(lookups) == 1 and all(t in lookups[0] for t in (TABLE, "tabUser", "tabHas Role")), lookups


def test_a_role_taken_from_a_logged_in_user_counts_from_their_next_request(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN, "Test Reader")
    name = insert(auth.api, {"doctype": "Test Note", "title": "shared"})
    client, _ = auth.logged_in(ANN)
    assert client.get(f"/api/resource/Test Note/{name}").status_code == 200

    def set_roles(*roles: str) -> None:
        with auth.handle.context():
            user = smooth.get_doc("User", ANN)
            user.set("roles", [{"role": role} for role in roles])
            user.save(ignore_permissions=True)
            smooth.db.commit()

    set_roles()
    assert client.get(f"/api/resource/Test Note/{name}").status_code == 403
    set_roles("Test Reader")
    assert client.get(f"/api/resource/Test Note/{name}").status_code == 200
