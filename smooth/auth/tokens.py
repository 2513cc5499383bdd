"""API key authentication: `Authorization: token <api_key>:<api_secret>` or `Basic base64(key:secret)`.

The secret is checked against the argon2 hash kept in `__Auth` (User.api_secret). argon2 is
deliberately slow, so a successful check is remembered per process, keyed by the stored
hash and a digest of the presented secret: a new key pair changes the stored hash and
misses the cache, and `enabled` is read from the database on every request.

Failed attempts are throttled per key and per client IP (rate_limit.API_KEY). The throttle
is checked before the secret is verified, so once a key or an IP is over its limit a guess
costs no argon2 verify. A secret this process has already verified is accepted without
consulting the throttle: it costs no verify either, and an attacker who knows a key cannot
lock its running integration out of the workers it already talks to.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, and_, bindparam, select

from smooth.auth import rate_limit
from smooth.context import db
from smooth.exceptions import AuthenticationError
from smooth.messages import _
from smooth.model.passwords import verify_hash

if TYPE_CHECKING:
    from smooth.site import Site

SCHEMES = ("token", "basic")
MAX_KEY_LENGTH = 64  # generated keys have 16; the cap bounds what the throttle stores per key
_CACHE_SIZE = 1024
_verified: OrderedDict[tuple[str, str], bool] = OrderedDict()
_lock = threading.Lock()


def parse(header: str) -> tuple[str, str]:
    """(api_key, api_secret) from an Authorization header value; AuthenticationError when malformed."""
    scheme, _space, value = header.strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme not in SCHEMES:
        raise AuthenticationError(_("Unsupported Authorization scheme {0!r}: use 'token <api_key>:<api_secret>' or "
                                    "'Basic base64(api_key:api_secret)'", scheme))
    if scheme == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise AuthenticationError(_("Malformed Authorization header: Basic credentials are not valid base64")) \
                from None
    key, sep, secret = value.partition(":")
    if not sep or not key or not secret:
        raise AuthenticationError(_("Malformed Authorization header: expected {0} <api_key>:<api_secret>", scheme))
    if len(key) > MAX_KEY_LENGTH:
        raise AuthenticationError(_("Malformed Authorization header: an API key has at most {0} characters",
                                    MAX_KEY_LENGTH))
    return key, secret


def authenticate(header: str, site: Site, ip: str) -> str:
    """The user owning the key pair in `header`; AuthenticationError (401) otherwise, TooManyRequestsError (429)
    once the key or `ip` used up its failed attempts."""
    key, secret = parse(header)
    database = db()
    row = database.execute(_key_owner(database.table("User"), database.table("__Auth")), {"api_key": key}).first()
    stored_hash = str(row.password) if row is not None and row.password is not None and not row.encrypted else None
    if row is None or stored_hash is None or not _known(stored_hash, secret):
        rate_limit.check(site, key, ip, rate_limit.API_KEY)
        if row is None or stored_hash is None or not _verify(stored_hash, secret):
            rate_limit.record_failure(site, key, ip, rate_limit.API_KEY)
            raise AuthenticationError(_("Invalid API key or secret"))
    if not row.enabled:
        raise AuthenticationError(_("User {0} is disabled", row.name))
    return str(row.name)


@lru_cache(maxsize=16)
def _key_owner(users: Table, auth: Table) -> Any:
    """The user owning an API key and the stored hash of its secret, in one round trip.

    Built once per site's tables (a statement object reused keeps SQLAlchemy's compiled form and
    cache key), as every token-authenticated request runs it.
    """
    secret = and_(auth.c.doctype == "User", auth.c.name == users.c.name, auth.c.fieldname == "api_secret")
    return (select(users.c.name, users.c.enabled, auth.c.password, auth.c.encrypted)
            .join_from(users, auth, secret, isouter=True)
            .where(users.c.api_key == bindparam("api_key")).limit(1))


def _cache_key(stored_hash: str, secret: str) -> tuple[str, str]:
    return stored_hash, hashlib.sha256(secret.encode()).hexdigest()


def _known(stored_hash: str, secret: str) -> bool:
    """Whether this process already verified `secret` against `stored_hash` (no argon2 needed)."""
    cache_key = _cache_key(stored_hash, secret)
    with _lock:
        if cache_key in _verified:
            _verified.move_to_end(cache_key)
            return True
    return False


def _verify(stored_hash: str, secret: str) -> bool:
    if not verify_hash(stored_hash, secret):
        return False
    with _lock:
        _verified[_cache_key(stored_hash, secret)] = True
        while len(_verified) > _CACHE_SIZE:
            _verified.popitem(last=False)
    return True
