"""Fixtures and helpers for the authentication tests (imported by tests/api/test_auth_*.py).

Auth tests talk to the same running server as the other API tests, but never through the
`X-Smooth-Test-User` header: each test gets fresh httpx clients (own cookie jars) and logs
in for real. Site config changes made by a test (expiry, limits, redis_url) are undone
afterwards, and session rows, Redis keys and in-memory login-failure counts are cleared.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import delete

import smooth
from smooth.auth import rate_limit, sessions
from smooth.site import SITE_CONFIG, Site, forget_site, get_site
from tests.api.helpers import Api, set_site_config
from tests.conftest import SiteHandle

PASSWORD = "secret-pw"  # tests.conftest.make_user's default


def redis_test_url() -> str:
    url = os.environ.get("SMOOTH_TEST_REDIS_URL")
    if not url:
        pytest.fail("SMOOTH_TEST_REDIS_URL is not set: run the suite with `bash scripts/test` (it starts Redis), "
                    "or export a URL such as redis://127.0.0.1:6379/0. Session and throttling storage in Redis "
                    "must be tested, so this is a failure, not a skip.")
    return url


def _clear_redis(handle: SiteHandle) -> None:
    url = os.environ.get("SMOOTH_TEST_REDIS_URL")
    if not url:
        return
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"smooth:{handle.name}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _reset(handle: SiteHandle) -> None:
    rate_limit.clear_all(get_site(handle.name, handle.sites_path))
    _clear_redis(handle)
    with handle.context():
        smooth.db.execute(delete(smooth.local.site.table(sessions.TABLE)), write=True)
        smooth.db.commit()


def set_cookies(response: httpx.Response) -> dict[str, Any]:
    """The response's Set-Cookie headers by cookie name (http.cookies Morsels: value and attributes)."""
    found: dict[str, Any] = {}
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        found.update(jar)
    return found


class AuthSite:
    """The API server's site for auth tests: config changes, fresh clients, login."""

    def __init__(self, api: Api) -> None:
        self.api, self.handle = api, api.handle
        self.clients: list[httpx.Client] = []

    @property
    def site(self) -> Site:
        return get_site(self.handle.name, self.handle.sites_path)

    def configure(self, **values: Any) -> None:
        set_site_config(self.handle, **values)

    def client(self, **kwargs: Any) -> httpx.Client:
        """A new client with its own cookie jar (closed after the test)."""
        client = httpx.Client(base_url=self.api.base_url, timeout=30, **kwargs)
        self.clients.append(client)
        return client

    def login(self, client: httpx.Client, usr: str, pwd: str = PASSWORD, **kwargs: Any) -> httpx.Response:
        return client.post("/api/method/login", data={"usr": usr, "pwd": pwd}, **kwargs)

    def logged_in(self, usr: str, pwd: str = PASSWORD) -> tuple[httpx.Client, str]:
        """A client holding a session of `usr` that has been given its CSRF token (as a page would),
        so its writes need it, and that token."""
        client = self.client()
        response = self.login(client, usr, pwd)
        assert response.status_code == 200, response.text
        return client, client.get("/api/method/smooth.auth.get_csrf_token").json()["message"]

    def session_stored(self, sid: str) -> bool:
        with self.handle.context():
            return sessions.exists(smooth.local.site, sid)

    def close(self) -> None:
        for client in self.clients:
            client.close()


@pytest.fixture
def auth(api: Api) -> Iterator[AuthSite]:
    path = api.handle.sites_path / api.handle.name / SITE_CONFIG
    original = path.read_text()
    _reset(api.handle)
    helper = AuthSite(api)
    yield helper
    helper.close()
    path.write_text(original)
    forget_site(api.handle.name, api.handle.sites_path)
    _reset(api.handle)


@pytest.fixture(params=["db", "redis"])
def store(request: pytest.FixtureRequest, auth: AuthSite) -> str:
    """Runs the test with sessions and login-failure counts in the database/memory, then in Redis."""
    if request.param == "redis":
        auth.configure(redis_url=redis_test_url())
    else:
        auth.configure(redis_url=None)
    return str(request.param)


def site_config(handle: SiteHandle) -> dict[str, Any]:
    return json.loads((handle.sites_path / handle.name / SITE_CONFIG).read_text())


@contextmanager
def two_factor_role(handle: SiteHandle, role: str) -> Iterator[None]:
    """Two-factor login switched on and required for a new Role `role`; afterwards switched off, the role
    gone from its holders and the site, and every enrolment forgotten."""
    with handle.context():
        smooth.get_doc({"doctype": "Role", "role_name": role, "two_factor_auth": 1}).insert()
        smooth.db.set_single_value("System Settings", "enable_two_factor_auth", 1)
        smooth.db.commit()
    try:
        yield
    finally:
        with handle.context():
            site = smooth.local.site
            smooth.db.set_single_value("System Settings", "enable_two_factor_auth", 0)
            smooth.db.set_single_value("System Settings", "two_factor_remember_days", 30)
            smooth.db.execute(delete(site.table("__Two Factor")), write=True)
            smooth.db.execute(delete(site.table("Has Role")).where(site.table("Has Role").c.role == role), write=True)
            smooth.db.execute(delete(site.table("Role")).where(site.table("Role").c.name == role), write=True)
            smooth.db.commit()
