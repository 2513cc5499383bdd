"""The signed, short-lived token in a package file's URL: who plays which attempt of which lesson, until when.

The package runs in a sandboxed frame with an opaque origin, so its requests for its own files carry no
session cookie the server could trust; the token is their permission instead. It sits in the path
(`/lms/scorm/<token>/<file>`), so the package's relative links keep it. It names a learner, so it is
signed with a key of its own (smooth.signing_key) and lives a few hours: a long course session, not a link
to share.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import smooth
from smooth import _

LIFETIME_SECONDS = 4 * 3600
_PURPOSE = "scorm package files"


@dataclass(frozen=True)
class Grant:
    member: str
    lesson: str
    attempt: int
    session: str
    expires: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signature(body: str) -> str:
    return _b64(hmac.new(smooth.signing_key(_PURPOSE), body.encode(), hashlib.sha256).digest())


def issue(member: str, lesson: str, attempt: int, session: str, now: float | None = None) -> str:
    expires = int((now or time.time()) + LIFETIME_SECONDS)
    body = _b64(json.dumps([member, lesson, attempt, session, expires], separators=(",", ":")).encode())
    return f"{body}.{_signature(body)}"


def verify(token: str, now: float | None = None) -> Grant:
    """The grant a token carries; a PermissionError for a forged, damaged or expired one."""
    body, _dot, signature = (token or "").partition(".")
    if not body or not hmac.compare_digest(signature.encode(), _signature(body).encode()):
        raise smooth.PermissionError(_("This SCORM link is not valid: open the lesson again"))
    member, lesson, attempt, session, expires = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if expires < (now or time.time()):
        raise smooth.PermissionError(_("This SCORM link has expired: open the lesson again"))
    return Grant(str(member), str(lesson), int(attempt), str(session), int(expires))
