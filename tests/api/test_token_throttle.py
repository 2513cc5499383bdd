"""Failed API-key attempts (`token key:secret`, Basic) are throttled per key and per client IP, like logins.

Each test runs with the counts in memory and in Redis (the `store` fixture). Once throttled, a
wrong secret is refused with 429 before any argon2 verify, so guessing costs the server nothing.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import pytest
import redis

import smooth
from smooth.auth import tokens
from tests.api.auth_fixtures import AuthSite, redis_test_url
from tests.api.helpers import add_user, server_messages

WINDOW = 2  # long enough that a loaded machine still blocks inside it (1 s was not)

ANN, BOB = "ann@example.com", "bob@example.com"
WHO = "/api/method/frappe.auth.get_logged_user"


def _keys(auth: AuthSite, user: str) -> tuple[str, str]:
    add_user(auth.api, user)
    with auth.handle.context():
        key, secret = smooth.get_doc("User", user).generate_api_credentials()
        smooth.db.commit()
    return key, secret


def _call(auth: AuthSite, header: str, ip: str = "203.0.113.9") -> object:
    return auth.client().get(WHO, headers={"Authorization": header, "X-Forwarded-For": ip})


def _basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def _fail(auth: AuthSite, header: str, times: int, ip: str = "203.0.113.9") -> None:
    for attempt in range(times):
        response = _call(auth, header, ip)
        assert response.status_code == 401, f"attempt {attempt + 1}: {response.text}"


@pytest.fixture
def verifies(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every argon2 verify of an API secret the server runs (it serves from a thread of this process)."""
    calls: list[str] = []
    real = tokens.verify_hash

    def counting(stored: str, plain: str) -> bool:
        calls.append(plain)
        return real(stored, plain)

    monkeypatch.setattr(tokens, "verify_hash", counting)
    yield calls


def test_too_many_wrong_secrets_for_a_key_are_429_in_frappes_envelope(auth: AuthSite, store: str) -> None:
    key, secret = _keys(auth, ANN)
    auth.configure(api_key_attempts_per_key=3, api_key_attempts_per_ip=100, api_key_attempt_window_seconds=120)
    _fail(auth, f"token {key}:wrong-1", 2)
    _fail(auth, _basic(key, "wrong-2"), 1)
    response = _call(auth, f"token {key}:wrong-3")
    assert response.status_code == 429
    body = response.json()
    assert body["exc_type"] == "TooManyRequestsError"
    message = server_messages(body)[0]["message"]
    assert f"Too many failed API key attempts for API key {key}: 3 in the last 2 minutes" in message
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 120 and f"Try again in {wait} seconds" in message
    assert body["exception"].startswith("smooth.exceptions.TooManyRequestsError: Too many failed API key attempts")


def test_a_throttled_wrong_secret_costs_no_argon2_verify(auth: AuthSite, store: str, verifies: list[str]) -> None:
    key, _ = _keys(auth, ANN)
    auth.configure(api_key_attempts_per_key=3, api_key_attempts_per_ip=100)
    _fail(auth, f"token {key}:wrong", 3)
    assert len(verifies) == 3
    for _ in range(20):
        assert _call(auth, f"token {key}:guess").status_code == 429
    assert len(verifies) == 3


def test_too_many_failures_from_one_ip_are_429_whatever_the_key(auth: AuthSite, store: str,
                                                                 verifies: list[str]) -> None:
    key, secret = _keys(auth, ANN)
    auth.configure(api_key_attempts_per_key=100, api_key_attempts_per_ip=3)
    for guess in ("k1:s", "k2:s", f"{key}:s"):
        _fail(auth, f"token {guess}", 1, ip="198.51.100.7")
    verified = len(verifies)
    response = _call(auth, f"token {key}:{secret}", ip="198.51.100.7")
    assert response.status_code == 429
    assert "IP address 198.51.100.7" in server_messages(response.json())[0]["message"]
    assert len(verifies) == verified
    assert _call(auth, f"token {key}:{secret}", ip="192.0.2.1").json() == {"message": ANN}


def test_a_throttled_key_still_serves_a_secret_this_worker_already_verified(auth: AuthSite, store: str,
                                                                            verifies: list[str]) -> None:
    """An attacker who knows a key cannot lock its running integration out of a worker it already talks to."""
    key, secret = _keys(auth, ANN)
    auth.configure(api_key_attempts_per_key=2, api_key_attempts_per_ip=100)
    assert _call(auth, f"token {key}:{secret}", ip="192.0.2.1").json() == {"message": ANN}
    _fail(auth, f"token {key}:wrong", 2)
    assert _call(auth, f"token {key}:wrong").status_code == 429
    verified = len(verifies)
    assert _call(auth, f"token {key}:{secret}", ip="192.0.2.1").json() == {"message": ANN}
    assert len(verifies) == verified


def test_one_keys_failures_do_not_throttle_another_key(auth: AuthSite, store: str) -> None:
    ann_key, _ = _keys(auth, ANN)
    bob_key, bob_secret = _keys(auth, BOB)
    auth.configure(api_key_attempts_per_key=2, api_key_attempts_per_ip=100)
    _fail(auth, f"token {ann_key}:wrong", 2)
    assert _call(auth, f"token {ann_key}:wrong").status_code == 429
    assert _call(auth, f"token {bob_key}:{bob_secret}").json() == {"message": BOB}


def test_keys_are_usable_again_once_the_window_passed(auth: AuthSite, store: str) -> None:
    key, secret = _keys(auth, ANN)
    auth.configure(api_key_attempts_per_key=2, api_key_attempts_per_ip=100, api_key_attempt_window_seconds=WINDOW)
    _fail(auth, f"token {key}:wrong", 2)
    assert _call(auth, f"token {key}:{secret}").status_code == 429
    time.sleep(WINDOW + 0.3)  # a refused attempt counts too: wait out the window from the last one
    assert _call(auth, f"token {key}:{secret}").json() == {"message": ANN}


def test_a_limit_of_zero_turns_the_throttle_off(auth: AuthSite, store: str) -> None:
    key, secret = _keys(auth, ANN)
    auth.configure(api_key_attempts_per_key=0, api_key_attempts_per_ip=0)
    _fail(auth, f"token {key}:wrong", 12)
    assert _call(auth, f"token {key}:{secret}").json() == {"message": ANN}


def test_failure_counts_are_shared_through_redis(auth: AuthSite) -> None:
    url = redis_test_url()
    key, _ = _keys(auth, ANN)
    auth.configure(redis_url=url, api_key_attempts_per_key=5, api_key_attempts_per_ip=100)
    _fail(auth, f"token {key}:wrong", 2, ip="198.51.100.8")
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        prefix = f"smooth:{auth.handle.name}:api_key_failures"
        assert client.get(f"{prefix}:key:{key}") == "2"
        assert client.get(f"{prefix}:ip:198.51.100.8") == "2"
        client.set(f"{prefix}:key:{key}", 5, ex=60)  # another worker's failures
    finally:
        client.close()
    assert _call(auth, f"token {key}:wrong", ip="198.51.100.8").status_code == 429


def test_an_overlong_api_key_is_refused_before_it_is_counted_or_looked_up(auth: AuthSite) -> None:
    response = _call(auth, "token " + "k" * 10_000 + ":secret")
    assert response.status_code == 401
    assert "an API key has at most 64 characters" in response.json()["exception"]
