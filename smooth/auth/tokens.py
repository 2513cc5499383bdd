"""API key authentication: `Authorization: token <api_key>:<api_secret>` or `Basic base64(key:secret)`.

The secret is checked against the argon2 hash kept in `__Auth` (User.api_secret). argon2 is
deliberately slow, so a successful check is remembered per process, keyed by the stored
hash and a digest of the presented secret: a new key pair changes the stored hash and
misses the cache, and `enabled` is read from the database on every request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from collections import OrderedDict

from smooth.context import db
from smooth.exceptions import AuthenticationError
from smooth.model.passwords import stored_secret, verify_hash

SCHEMES = ("token", "basic")
_CACHE_SIZE = 1024
_verified: OrderedDict[tuple[str, str], bool] = OrderedDict()
_lock = threading.Lock()


def parse(header: str) -> tuple[str, str]:
    """(api_key, api_secret) from an Authorization header value; AuthenticationError when malformed."""
    scheme, _, value = header.strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme not in SCHEMES:
        raise AuthenticationError(f"Unsupported Authorization scheme {scheme!r}: use "
                                  "'token <api_key>:<api_secret>' or 'Basic base64(api_key:api_secret)'")
    if scheme == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise AuthenticationError("Malformed Authorization header: Basic credentials are not valid base64") \
                from None
    key, sep, secret = value.partition(":")
    if not sep or not key or not secret:
        raise AuthenticationError(f"Malformed Authorization header: expected {scheme} <api_key>:<api_secret>")
    return key, secret


def authenticate(header: str) -> str:
    """The user owning the key pair in `header`; AuthenticationError (401) otherwise."""
    key, secret = parse(header)
    row = db().get_value("User", {"api_key": key}, ["name", "enabled"], as_dict=True)
    if not row:
        raise AuthenticationError("Invalid API key or secret")
    stored = stored_secret("User", row["name"], "api_secret")
    if stored is None or stored[1] or not _verify(stored[0], secret):
        raise AuthenticationError("Invalid API key or secret")
    if not row["enabled"]:
        raise AuthenticationError(f"User {row['name']} is disabled")
    return str(row["name"])


def _verify(stored_hash: str, secret: str) -> bool:
    cache_key = (stored_hash, hashlib.sha256(secret.encode()).hexdigest())
    with _lock:
        if cache_key in _verified:
            _verified.move_to_end(cache_key)
            return True
    if not verify_hash(stored_hash, secret):
        return False
    with _lock:
        _verified[cache_key] = True
        while len(_verified) > _CACHE_SIZE:
            _verified.popitem(last=False)
    return True
