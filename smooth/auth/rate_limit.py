"""Throttling of failed logins and failed API-key attempts, per subject (user / key) and per client IP.

Site config for logins: `login_attempts_per_user` (default 10), `login_attempts_per_ip`
(default 50), within `login_attempt_window_seconds` (default 300); for second-factor codes
`two_factor_attempts_per_user`, `two_factor_attempts_per_ip`, `two_factor_attempt_window_seconds`; for API keys
(`Authorization: token key:secret` or Basic): `api_key_attempts_per_key`,
`api_key_attempts_per_ip`, `api_key_attempt_window_seconds`, same defaults. 0 turns a limit
off. Once a subject or an IP has that many failures in the window, every attempt for it (even
with the right password) is refused with TooManyRequestsError (429) saying when to retry,
until the window passes. A successful login clears the user's count (not the IP's).

With `redis_url` the counts live in Redis (fixed window per key: the first failure starts
it), so every worker process sees them; otherwise in this process's memory (sliding window).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smooth.auth.settings import int_setting, redis_call, redis_for, redis_key
from smooth.exceptions import TooManyRequestsError
from smooth.messages import LazyMessage, _, _lazy

if TYPE_CHECKING:
    from smooth.site import Site

DEFAULT_PER_USER = 10
DEFAULT_PER_IP = 50
DEFAULT_WINDOW_SECONDS = 300
_MAX_MEMORY_KEYS = 100_000


@dataclass(frozen=True)
class Throttle:
    """One kind of failure being counted: its storage prefix, config keys and wording."""

    bucket: str  # storage prefix (Redis key part)
    kind: str  # what the first counter counts per: "user", "key"
    who: LazyMessage  # how a message names that subject ({0}: the subject)
    attempts: LazyMessage  # what a message says was failed
    per_subject: str
    per_ip: str
    window: str


LOGIN = Throttle("login_failures", "user", _lazy("user {0}"), _lazy("failed login attempts"), "login_attempts_per_user",
                 "login_attempts_per_ip", "login_attempt_window_seconds")
API_KEY = Throttle("api_key_failures", "key", _lazy("API key {0}"), _lazy("failed API key attempts"),
                   "api_key_attempts_per_key", "api_key_attempts_per_ip", "api_key_attempt_window_seconds")
# every lookup of a public page that answers about a secret (a certificate number) counts, per IP
LOOKUP = Throttle("lookups", "subject", _lazy("subject {0}"), _lazy("lookups"), "lookups_per_subject", "lookups_per_ip",
                  "lookup_window_seconds")
# wrong second-factor codes (smooth.auth.two_factor): cleared only by a right code, never by a right password
TWO_FACTOR = Throttle("two_factor_failures", "user", _lazy("user {0}"), _lazy("failed verification codes"),
                      "two_factor_attempts_per_user", "two_factor_attempts_per_ip", "two_factor_attempt_window_seconds")
THROTTLES = (LOGIN, API_KEY, LOOKUP, TWO_FACTOR)

_failures: dict[tuple[str, str, str, str], deque[float]] = {}
_lock = threading.Lock()


def _limits(site: Site, throttle: Throttle) -> tuple[int, int, int]:
    return (int_setting(site, throttle.per_subject, DEFAULT_PER_USER),
            int_setting(site, throttle.per_ip, DEFAULT_PER_IP),
            int_setting(site, throttle.window, DEFAULT_WINDOW_SECONDS, minimum=1))


def check(site: Site, subject: str, ip: str, throttle: Throttle = LOGIN) -> None:
    """Raise TooManyRequestsError (with `.retry_after` seconds) when `subject` or `ip` used up its failed attempts."""
    per_subject, per_ip, window = _limits(site, throttle)
    for kind, key, limit, whom in ((throttle.kind, subject, per_subject, throttle.who.format(subject)),
                                   ("ip", ip, per_ip, _("IP address {0}", ip))):
        if not limit or not key:
            continue
        count, retry_after = _count(site, throttle.bucket, kind, key, window)
        if count >= limit:
            wait = max(1, math.ceil(retry_after))
            again = _("Try again in 1 second.") if wait == 1 else _("Try again in {0} seconds.", wait)
            exc = TooManyRequestsError(_("Too many {0} for {1}: {2} in the last {3}. {4}", throttle.attempts, whom,
                                         count, _duration(window), again), title=_("Too Many Requests"))
            exc.retry_after = wait  # type: ignore[attr-defined]
            raise exc


def record_failure(site: Site, subject: str, ip: str, throttle: Throttle = LOGIN) -> None:
    _limit, _per, window = _limits(site, throttle)
    for kind, key in ((throttle.kind, subject), ("ip", ip)):
        if key:
            _add(site, throttle.bucket, kind, key, window)


def clear_user(site: Site, user: str, throttle: Throttle = LOGIN) -> None:
    _clear(site, throttle.bucket, throttle.kind, user)


def clear_all(site: Site) -> None:
    """Forget every count of the site (an administrator's reset; also used by tests)."""
    with _lock:
        for key in [k for k in _failures if k[0] == site.name]:
            del _failures[key]
    client = redis_for(site)
    if client is not None:
        for throttle in THROTTLES:
            keys = list(redis_call(client.scan_iter, match=redis_key(site, throttle.bucket, "*")))
            if keys:
                redis_call(client.delete, *keys)


def _count(site: Site, bucket: str, kind: str, key: str, window: int) -> tuple[int, float]:
    """(failures in the window, seconds until the oldest one stops counting)."""
    client = redis_for(site)
    if client is not None:
        name = redis_key(site, bucket, kind, key.lower())
        pipe = client.pipeline()
        pipe.get(name)
        pipe.pttl(name)
        raw, ttl_ms = redis_call(pipe.execute)
        return int(raw or 0), max(ttl_ms, 0) / 1000
    now = time.time()
    with _lock:
        stamps = _failures.get((site.name, bucket, kind, key.lower()))
        if not stamps:
            return 0, 0.0
        while stamps and stamps[0] <= now - window:
            stamps.popleft()
        return len(stamps), (stamps[0] + window - now) if stamps else 0.0


def _add(site: Site, bucket: str, kind: str, key: str, window: int) -> None:
    client = redis_for(site)
    if client is not None:
        name = redis_key(site, bucket, kind, key.lower())
        pipe = client.pipeline()
        pipe.set(name, 0, ex=window, nx=True)
        pipe.incr(name)
        redis_call(pipe.execute)
        return
    now = time.time()
    with _lock:
        if len(_failures) >= _MAX_MEMORY_KEYS:
            _prune(now, window)
        _failures.setdefault((site.name, bucket, kind, key.lower()), deque()).append(now)


def _clear(site: Site, bucket: str, kind: str, key: str) -> None:
    client = redis_for(site)
    if client is not None:
        redis_call(client.delete, redis_key(site, bucket, kind, key.lower()))
        return
    with _lock:
        _failures.pop((site.name, bucket, kind, key.lower()), None)


def _prune(now: float, window: int) -> None:
    for key in [k for k, stamps in _failures.items() if not stamps or stamps[-1] <= now - window]:
        del _failures[key]


def _duration(seconds: int) -> str:
    if seconds % 60 == 0 and seconds >= 60:
        minutes = seconds // 60
        return _("1 minute") if minutes == 1 else _("{0} minutes", minutes)
    return _("1 second") if seconds == 1 else _("{0} seconds", seconds)


def count_lookup(site: Site, ip: str) -> None:
    """One lookup from a client address on a page anyone may query (certificate verification): a 429
    once the address has made `lookups_per_ip` in the window, so the page cannot be walked through."""
    check(site, "", ip, LOOKUP)
    record_failure(site, "", ip, LOOKUP)
