"""CSRF protection for cookie sessions, as Frappe does it.

A browser sends the `sid` cookie with any request, including one forged by another site, so
a state-changing request (POST/PUT/PATCH/DELETE) on a cookie session must also carry the
session's token in the `X-Frappe-CSRF-Token` header (or a `csrf_token` form field), which a
foreign page cannot read. As in Frappe, the check applies once a page has carried the token
(smooth.auth.sessions.issue_csrf_token): a session opened by an API client that never loaded a
page has no token and is not asked for one. Token-authenticated calls carry no ambient
credential and are exempt, as is logging in (the API method, `cmd=login` on `/` and the /login
page: a stale cookie must not block logging in again). Site config `ignore_csrf: true` turns
the check off.
"""

from __future__ import annotations

import hmac
from typing import Any

from starlette.requests import Request

from smooth.exceptions import CSRFTokenError
from smooth.messages import _

HEADER = "X-Frappe-CSRF-Token"
FORM_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EXEMPT_PATHS = frozenset({"/api/method/login", "/api/v1/method/login", "/login"})


def validate(request: Request, form: dict[str, Any], expected: str, config: dict[str, Any], *,
             command: str = "") -> None:
    """Raise CSRFTokenError (400) when an unsafe cookie-session request lacks the session's token
    (`command`: the `cmd` of a request to `/`, Frappe's RPC form)."""
    if request.method.upper() not in UNSAFE_METHODS or config.get("ignore_csrf") is True or not expected:
        return
    if request.url.path.rstrip("/") in EXEMPT_PATHS or is_login_command(request, command):
        return
    given = request.headers.get(HEADER) or form.get(FORM_FIELD) or ""
    if not isinstance(given, str) or not given:
        raise CSRFTokenError(_("Invalid Request: a {0} on a login session needs the session's CSRF token in the "
                               "{1} header", request.method.upper(), HEADER))
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise CSRFTokenError(_("Invalid Request: the {0} does not match this session's CSRF token", HEADER))


def is_login_command(request: Request, command: str) -> bool:
    return command == "login" and request.url.path in ("", "/")
