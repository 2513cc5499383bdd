"""Failed logins are throttled per user and per client IP (in memory, or in Redis for every worker)."""

from __future__ import annotations

import time

import redis

from smooth.auth import rate_limit
from tests.api.auth_fixtures import PASSWORD, AuthSite, redis_test_url
from tests.api.helpers import add_user

WINDOW = 2  # long enough that a loaded machine still blocks inside it (1 s was not)

ANN = "ann@example.com"


def _fail(auth: AuthSite, usr: str, times: int, **kwargs: object) -> None:
    for attempt in range(times):
        response = auth.login(auth.client(), usr, "wrong-password", **kwargs)
        assert response.status_code == 401, f"attempt {attempt + 1}: {response.text}"


def test_too_many_failures_for_a_user_are_429_with_when_to_retry(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    auth.configure(login_attempts_per_user=3, login_attempts_per_ip=100, login_attempt_window_seconds=120)
    _fail(auth, ANN, 3)
    response = auth.login(auth.client(), ANN, PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    body = response.json()
    assert body["exc_type"] == "TooManyRequestsError"
    assert "Too many failed login attempts for user ann@example.com" in body["message"]
    assert "3 in the last 2 minutes" in body["message"]
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 120
    assert f"Try again in {wait} seconds" in body["message"]
    assert "sid" not in response.cookies


def test_the_user_limit_counts_any_spelling_of_the_login_name(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    auth.configure(login_attempts_per_user=2, login_attempts_per_ip=100)
    _fail(auth, "ANN@example.com", 1)
    _fail(auth, "ann@example.com", 1)
    assert auth.login(auth.client(), ANN).status_code == 429


def test_too_many_failures_from_one_ip_are_429_whatever_the_user(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    auth.configure(login_attempts_per_user=100, login_attempts_per_ip=3)
    for usr in ("a@example.com", "b@example.com", "c@example.com"):
        _fail(auth, usr, 1)
    response = auth.login(auth.client(), ANN)
    assert response.status_code == 429
    assert "IP address 127.0.0.1" in response.json()["message"]


def test_another_ip_is_not_blocked_by_one_ips_failures(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    auth.configure(login_attempts_per_user=100, login_attempts_per_ip=2)
    _fail(auth, "x@example.com", 2, headers={"X-Forwarded-For": "203.0.113.7"})
    blocked = auth.login(auth.client(), ANN, headers={"X-Forwarded-For": "203.0.113.7"})
    assert blocked.status_code == 429 and "203.0.113.7" in blocked.json()["message"]
    assert auth.login(auth.client(), ANN, headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200


def test_logins_are_allowed_again_once_the_window_passed(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    auth.configure(login_attempts_per_user=2, login_attempts_per_ip=100, login_attempt_window_seconds=WINDOW)
    _fail(auth, ANN, 2)
    assert auth.login(auth.client(), ANN).status_code == 429
    time.sleep(WINDOW + 0.3)  # a refused attempt counts too: wait out the window from the last one
    assert auth.login(auth.client(), ANN).status_code == 200


def test_a_successful_login_clears_the_users_failures(auth: AuthSite, store: str) -> None:
    add_user(auth.api, ANN)
    auth.configure(login_attempts_per_user=3, login_attempts_per_ip=100)
    _fail(auth, ANN, 2)
    assert auth.login(auth.client(), ANN).status_code == 200
    _fail(auth, ANN, 2)
    assert auth.login(auth.client(), ANN).status_code == 200


def test_a_limit_of_zero_turns_throttling_off(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    auth.configure(login_attempts_per_user=0, login_attempts_per_ip=0)
    _fail(auth, ANN, 12)
    assert auth.login(auth.client(), ANN).status_code == 200


def test_with_redis_the_counts_are_shared_not_kept_in_the_worker(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    auth.configure(redis_url=redis_test_url(), login_attempts_per_user=3, login_attempts_per_ip=100,
                   login_attempt_window_seconds=300)
    _fail(auth, ANN, 3)
    rate_limit._failures.clear()  # what another worker process would see: nothing in its own memory
    assert auth.login(auth.client(), ANN).status_code == 429
    server = redis.Redis.from_url(redis_test_url(), decode_responses=True)
    try:
        key = f"smooth:{auth.handle.name}:login_failures:user:{ANN}"
        assert server.get(key) == "3"
        assert 0 < server.ttl(key) <= 300
    finally:
        server.close()


def test_without_redis_the_counts_are_in_process_memory(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    auth.configure(login_attempts_per_user=2, login_attempts_per_ip=100)
    _fail(auth, ANN, 2)
    assert auth.login(auth.client(), ANN).status_code == 429
    rate_limit.clear_all(auth.site)
    assert auth.login(auth.client(), ANN).status_code == 200
